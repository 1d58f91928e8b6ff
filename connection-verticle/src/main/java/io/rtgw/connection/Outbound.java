package io.rtgw.connection;

import io.rtgw.protocol.Message;
import io.rtgw.protocol.MessageJson;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.Position;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

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
  private byte[] sseSingleChannelEvent;
  private byte[] sseSingleChannelChunk;

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

  /**
   * The whole SSE {@code message} event for a stream of this message's channel alone: its id, the
   * cursor, then holds nothing but this message's position, so every single-channel stream of the node
   * writes the same bytes and the cursor is encoded once instead of once per stream.
   */
  public byte[] sseSingleChannelEvent() {
    if (sseSingleChannelEvent == null) {
      String cursor = Cursor.encode(Map.of(message.channel(), new Position(message.epoch(), message.offset())));
      byte[] head = ("event: message\nid: " + cursor + "\n").getBytes(StandardCharsets.US_ASCII);
      byte[] data = sseData();
      byte[] event = Arrays.copyOf(head, head.length + data.length);
      System.arraycopy(data, 0, event, head.length, data.length);
      sseSingleChannelEvent = event;
    }
    return sseSingleChannelEvent;
  }

  /**
   * {@link #sseSingleChannelEvent} as one HTTP/1.1 chunk (size in hex, CRLF, the event, CRLF): what an
   * SSE response writes below Vert.x's HTTP encoder, framed once per node instead of once per stream.
   */
  public byte[] sseSingleChannelChunk() {
    if (sseSingleChannelChunk == null) {
      byte[] event = sseSingleChannelEvent();
      byte[] head = (Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] chunk = Arrays.copyOf(head, head.length + event.length + 2);
      System.arraycopy(event, 0, chunk, head.length, event.length);
      chunk[chunk.length - 2] = '\r';
      chunk[chunk.length - 1] = '\n';
      sseSingleChannelChunk = chunk;
    }
    return sseSingleChannelChunk;
  }
}
