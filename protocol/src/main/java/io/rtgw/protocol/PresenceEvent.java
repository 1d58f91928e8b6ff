package io.rtgw.protocol;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A {@code join} or {@code leave} of a user in a channel, published once cluster-wide on the channel's
 * delivery address. A user joins with its first client and leaves with its last; {@code client} is the
 * client that caused the event.
 */
public record PresenceEvent(String type, String channel, String user, String client) {

  public static final String JOIN = "join";
  public static final String LEAVE = "leave";

  public static PresenceEvent join(PresenceEntry e) {
    return new PresenceEvent(JOIN, e.channel(), e.user(), e.client());
  }

  public static PresenceEvent leave(PresenceEntry e) {
    return new PresenceEvent(LEAVE, e.channel(), e.user(), e.client());
  }

  /** The presence event object of PROTOCOL.md, without the type. */
  public JsonObject body() {
    return new JsonObject().put(Fields.CHANNEL, channel).put(Fields.USER, user).put(Fields.CLIENT, client);
  }

  /** The WebSocket frame: the event object with its type. */
  public byte[] wsFrame() {
    return body().put(Fields.TYPE, type).toBuffer().getBytes();
  }

  public byte[] bodyBytes() {
    return body().encode().getBytes(StandardCharsets.UTF_8);
  }
}
