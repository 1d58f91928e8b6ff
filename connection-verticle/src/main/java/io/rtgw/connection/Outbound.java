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
}
