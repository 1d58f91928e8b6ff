package io.rtgw.connection;

import io.rtgw.protocol.Message;
import io.rtgw.protocol.MessageJson;
import io.rtgw.protocol.PresenceEvent;
import java.nio.charset.StandardCharsets;

/**
 * One delivery as the transports write it: a sequenced message or a presence event. It knows no wire
 * format: each transport's {@link Encoding} is computed at most once per node, on first use, and the same
 * bytes are then written to every local subscriber.
 */
public final class Outbound {

  private final Message message;
  private final PresenceEvent event;
  private final Object[] encoded = new Object[Encoding.MAX_ENCODINGS];
  private byte[] json;

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

  /**
   * The message object of PROTOCOL.md as UTF-8, or for a presence event its object without the type:
   * the part every transport's form is built around.
   */
  public byte[] json() {
    if (json == null) {
      json = message != null ? MessageJson.toText(message).getBytes(StandardCharsets.UTF_8) : event.bodyBytes();
    }
    return json;
  }

  /** {@code encoding}'s form of this delivery, computed on first use and kept. */
  @SuppressWarnings("unchecked")
  public <T> T encoded(Encoding<T> encoding) {
    Object value = encoded[encoding.slot];
    if (value == null) {
      value = encoding.encode(this);
      encoded[encoding.slot] = value;
    }
    return (T) value;
  }
}
