package io.rtgw.service;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The answer to a {@link ConnectRequest}: refuse with a {@link Refusal}, or allow, optionally naming the
 * user (replacing the verified one, or giving an anonymous client one), extra info, channels the client
 * is subscribed to at once and when this identity expires (epoch ms; the refresh hook is asked before).
 * Build it with {@link #allow()} and the {@code with...} methods, or {@link #refuse}.
 */
public record ConnectAnswer(Refusal refusal, String user, JsonObject info, List<String> channels, Long expiresAt) {

  public ConnectAnswer {
    channels = channels == null ? List.of() : List.copyOf(channels);
  }

  public static ConnectAnswer allow() {
    return new ConnectAnswer(null, null, null, List.of(), null);
  }

  public static ConnectAnswer refuse(ProtocolCode code, String message) {
    return new ConnectAnswer(new Refusal(code, message), null, null, List.of(), null);
  }

  public boolean allowed() {
    return refusal == null;
  }

  public ConnectAnswer withUser(String user) {
    return new ConnectAnswer(refusal, user, info, channels, expiresAt);
  }

  public ConnectAnswer withInfo(JsonObject info) {
    return new ConnectAnswer(refusal, user, info, channels, expiresAt);
  }

  public ConnectAnswer withChannels(List<String> channels) {
    return new ConnectAnswer(refusal, user, info, channels, expiresAt);
  }

  public ConnectAnswer withExpiresAt(long epochMillis) {
    return new ConnectAnswer(refusal, user, info, channels, epochMillis);
  }

  JsonObject toJson() {
    if (refusal != null) {
      return refusal.toJson();
    }
    JsonObject o = new JsonObject().put("allow", true);
    if (user != null) {
      o.put("user", user);
    }
    if (info != null) {
      o.put("info", info);
    }
    if (!channels.isEmpty()) {
      o.put("channels", new JsonArray(List.copyOf(channels)));
    }
    if (expiresAt != null) {
      o.put("expiresAt", expiresAt);
    }
    return o;
  }
}
