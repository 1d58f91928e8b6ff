package io.rtgw.connection.http;

import io.rtgw.connection.HttpErrors;
import io.rtgw.protocol.GatewayException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON answers of the HTTP API, and failures turned into the protocol's error body. */
public final class JsonReplies {

  private static final Logger LOG = LoggerFactory.getLogger(JsonReplies.class);
  private static final String JSON = "application/json";
  // answers describe a moment of a live stream: no proxy or browser may serve them again
  private static final String NO_STORE = "no-store";

  private JsonReplies() {
  }

  public static void ok(HttpServerResponse response, JsonObject body) {
    ok(response, body.toBuffer());
  }

  public static void ok(HttpServerResponse response, Buffer body) {
    if (response.closed() || response.ended()) {
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .end(body);
  }

  /** {@code 204 No Content}: a long poll that waited out its timeout. */
  public static void noContent(HttpServerResponse response) {
    if (response.closed() || response.ended()) {
      return;
    }
    response.setStatusCode(204).putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE).end();
  }

  /** The failure as the protocol's error; anything not a {@link GatewayException} is a bug and is logged. */
  public static void fail(HttpServerResponse response, Throwable failure) {
    if (!(failure instanceof GatewayException)) {
      LOG.error("HTTP request failed", failure);
    }
    if (response.closed() || response.ended()) {
      return;
    }
    if (failure instanceof GatewayException g && g.code() == io.rtgw.protocol.ErrorCode.RATE_LIMITED
        && !response.headWritten()) {
      // a rate: the client may come back, and is told when
      response.putHeader("Retry-After", "1");
    }
    HttpErrors.send(response, failure);
  }
}
