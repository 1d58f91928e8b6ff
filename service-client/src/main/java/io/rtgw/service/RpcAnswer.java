package io.rtgw.service;

import io.vertx.core.json.JsonObject;

/** The answer to an {@link RpcRequest}: data for the client, or an error the client gets as its error frame. */
public record RpcAnswer(Object data, Refusal error) {

  public static RpcAnswer of(Object data) {
    return new RpcAnswer(data, null);
  }

  public static RpcAnswer error(ProtocolCode code, String message) {
    return new RpcAnswer(null, new Refusal(code, message));
  }

  JsonObject toJson() {
    if (error != null) {
      return new JsonObject().put("error", new JsonObject().put("code", error.code().code()).put("message", error.message()));
    }
    return new JsonObject().put("data", data);
  }
}
