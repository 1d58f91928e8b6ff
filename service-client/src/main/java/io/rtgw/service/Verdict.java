package io.rtgw.service;

import io.vertx.core.json.JsonObject;

/** Allow, or refuse with a {@link Refusal}: the answer to a {@link SubscribeRequest}. */
public record Verdict(Refusal refusal) {

  private static final Verdict ALLOW = new Verdict(null);

  public static Verdict allow() {
    return ALLOW;
  }

  public static Verdict refuse(ProtocolCode code, String message) {
    return new Verdict(new Refusal(code, message));
  }

  public boolean allowed() {
    return refusal == null;
  }

  JsonObject toJson() {
    return refusal == null ? new JsonObject().put("allow", true) : refusal.toJson();
  }
}
