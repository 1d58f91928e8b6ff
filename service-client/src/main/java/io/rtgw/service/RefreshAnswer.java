package io.rtgw.service;

import io.vertx.core.json.JsonObject;

/**
 * The answer to a {@link RefreshRequest}: stay until {@code expiresAt} (epoch ms), optionally with new
 * info, or refuse (the gateway closes the connection with the refresh-failure close).
 */
public record RefreshAnswer(Refusal refusal, long expiresAt, JsonObject info) {

  public static RefreshAnswer extend(long expiresAt) {
    return new RefreshAnswer(null, expiresAt, null);
  }

  public static RefreshAnswer refuse(ProtocolCode code, String message) {
    return new RefreshAnswer(new Refusal(code, message), 0, null);
  }

  public RefreshAnswer withInfo(JsonObject info) {
    return new RefreshAnswer(refusal, expiresAt, info);
  }

  public boolean allowed() {
    return refusal == null;
  }

  JsonObject toJson() {
    if (refusal != null) {
      return refusal.toJson();
    }
    JsonObject o = new JsonObject().put("allow", true).put("expiresAt", expiresAt);
    return info == null ? o : o.put("info", info);
  }
}
