package io.rtgw.service;

import io.vertx.core.json.JsonObject;

/**
 * The answer to a {@link PublishRequest}: refuse, allow as it is, or allow with other data published in
 * place of the client's ({@link #replace}; any JSON value, null included).
 */
public record PublishAnswer(Refusal refusal, boolean replaced, Object data) {

  public static PublishAnswer allow() {
    return new PublishAnswer(null, false, null);
  }

  public static PublishAnswer replace(Object data) {
    return new PublishAnswer(null, true, data);
  }

  public static PublishAnswer refuse(ProtocolCode code, String message) {
    return new PublishAnswer(new Refusal(code, message), false, null);
  }

  public boolean allowed() {
    return refusal == null;
  }

  JsonObject toJson() {
    if (refusal != null) {
      return refusal.toJson();
    }
    JsonObject o = new JsonObject().put("allow", true);
    return replaced ? o.put("data", data) : o;
  }
}
