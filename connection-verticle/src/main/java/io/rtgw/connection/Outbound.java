package io.rtgw.connection;

import io.rtgw.protocol.Message;
import io.rtgw.protocol.MessageJson;
import io.rtgw.protocol.PresenceEvent;
import java.nio.charset.StandardCharsets;

/**
 * One delivery as the transports write it: a sequenced message or a presence event. Each wire form is
 * encoded at most once per node, on first use, and the same bytes are then written to every local
 * subscriber.
 */
public final class Outbound {

  private final Message message;
  private final PresenceEvent event;
  private byte[] wsFrame;
  private byte[] json;
  private byte[] sseData;

  public Outbound(Message message) {
    this.message = message;
    this.event = null;
  }

  public Outbound(PresenceEvent event) {
    this.message = null;
    this.event = event;
  }

  /** The message, or null for a presence event. */
  public Message message() {
    return message;
  }

  /** The presence event, or null for a message. */
  public PresenceEvent event() {
    return event;
  }

  public boolean isMessage() {
    return message != null;
  }

  /** {@code {"type":"message", ...message object}} or {@code {"type":"join", ...}} as UTF-8. */
  public byte[] wsFrame() {
    if (wsFrame == null) {
      if (message != null) {
        StringBuilder sb = new StringBuilder(128 + message.data().length()).append("{\"type\":\"message\",");
        wsFrame = MessageJson.appendFields(sb, message).append('}').toString().getBytes(StandardCharsets.UTF_8);
      } else {
        wsFrame = event.wsFrame();
      }
    }
    return wsFrame;
  }

  /**
   * The message object of PROTOCOL.md as UTF-8 (what polls splice into their {@code messages} array), or
   * for a presence event its object without the type (SSE names the type in {@code event:}).
   */
  public byte[] json() {
    if (json == null) {
      json = message != null ? MessageJson.toText(message).getBytes(StandardCharsets.UTF_8) : event.bodyBytes();
    }
    return json;
  }

  /**
   * The {@code data:} field of an SSE message or presence event, blank line included. The {@code event:} and
   * {@code id:} lines go before it per stream, since the id is the stream's own cursor.
   */
  public byte[] sseData() {
    if (sseData == null) {
      sseData = SseData.of(json());
    }
    return sseData;
  }
}
