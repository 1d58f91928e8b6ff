package io.rtgw.connection;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Errors on HTTP: the protocol's JSON body with the code's status. */
public final class HttpErrors {

  private HttpErrors() {
  }

  public static void send(HttpServerResponse response, ErrorCode code, String sentence) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(code.status())
        .putHeader("Content-Type", "application/json")
        .end(body(code, sentence).encode());
  }

  public static void send(HttpServerResponse response, Throwable failure) {
    GatewayException g = GatewayException.from(failure, "gateway");
    send(response, g.code(), g.getMessage());
  }

  public static JsonObject body(ErrorCode code, String sentence) {
    return new JsonObject().put("type", "error").put("code", code.code()).put("message", sentence);
  }
}
