package io.rtgw.history;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Turns what can go wrong talking to Redis into protocol errors. Whatever says "Redis is not there or not
 * able right now" becomes {@code unavailable} with a sentence a client can act on; an error reply that
 * means a bug (a script error, a key of the wrong type) stays as it is, so it is logged and answered
 * {@code internal}.
 */
final class RedisFailures {

  /** Error replies of a Redis that is starting, failing over, full or busy: retrying later helps. */
  private static final Set<String> PASSING_ERRORS = Set.of(
      "LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "OOM", "NOREPLICAS");

  private RedisFailures() {
  }

  static boolean isUnavailable(Throwable failure) {
    return !(failure instanceof Response r && r.type() == ResponseType.ERROR) || PASSING_ERRORS.contains(errorCode(r));
  }

  static Throwable toProtocol(Throwable failure, long timeoutMs) {
    if (failure instanceof TimeoutException) {
      return unavailable("The history store (Redis) did not answer within " + timeoutMs + " ms; retry later.");
    }
    if (failure instanceof ConnectionPoolTooBusyException) {
      return unavailable("The history store (Redis) has too many requests waiting; retry later.");
    }
    if (failure instanceof Response r && r.type() == ResponseType.ERROR) {
      String code = errorCode(r);
      return PASSING_ERRORS.contains(code)
          ? unavailable("The history store (Redis) cannot serve requests right now (" + code + "); retry later.")
          : new IllegalStateException("Redis answered an error: " + r, failure);
    }
    return unavailable("The history store (Redis) cannot be reached; retry later.");
  }

  private static GatewayException unavailable(String sentence) {
    return new GatewayException(ErrorCode.UNAVAILABLE, sentence);
  }

  private static String errorCode(Response error) {
    String text = error.toString();
    int space = text.indexOf(' ');
    return space < 0 ? text : text.substring(0, space);
  }
}
