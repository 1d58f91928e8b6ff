package io.rtgw.connection;

import io.rtgw.protocol.Message;
import io.rtgw.protocol.MessageJson;
import java.nio.charset.StandardCharsets;

/**
 * One delivery as the transports write it. Each wire form is encoded at most once per node, on first use,
 * and the same bytes are then written to every local subscriber.
 */
public final class Outbound {

  private final Message message;
  private byte[] wsFrame;
  private byte[] json;
  private byte[] sseData;

  public Outbound(Message message) {
    this.message = message;
  }

  public Message message() {
    return message;
  }

  /** {@code {"type":"message", ...message object}} as UTF-8. */
  public byte[] wsFrame() {
    if (wsFrame == null) {
      StringBuilder sb = new StringBuilder(128 + message.data().length()).append("{\"type\":\"message\",");
      wsFrame = MessageJson.appendFields(sb, message).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
    return wsFrame;
  }

  /** The message object of PROTOCOL.md as UTF-8: what polls splice into their {@code messages} array. */
  public byte[] json() {
    if (json == null) {
      json = MessageJson.toText(message).getBytes(StandardCharsets.UTF_8);
    }
    return json;
  }

  /**
   * The {@code data:} field of an SSE message event, blank line included. The {@code event:} and
   * {@code id:} lines go before it per stream, since the id is the stream's own cursor.
   */
  public byte[] sseData() {
    if (sseData == null) {
      sseData = SseData.of(json());
    }
    return sseData;
  }
}
