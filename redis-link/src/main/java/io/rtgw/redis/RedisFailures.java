package io.rtgw.redis;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
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

  /**
   * The client fails calls still waiting on a connection that closed with this error reply of its own
   * making: the connection was lost, Redis said nothing.
   */
  private static final String CONNECTION_CLOSED = "CONNECTION_CLOSED";

  private RedisFailures() {
  }

  /**
   * Whether a failed call means Redis cannot be reached or cannot serve now, as opposed to a bug or a
   * burst past this store's own waiting limit, while Redis is fine.
   */
  static boolean meansRedisDown(Throwable failure) {
    if (failure instanceof RedisLink.Overloaded) {
      return false;
    }
    return !isRedisError(failure) || PASSING_ERRORS.contains(errorCode((Response) failure));
  }

  /** An error Redis itself answered, as opposed to the call not reaching it or not coming back. */
  static boolean isRedisError(Throwable failure) {
    return failure instanceof Response r && r.type() == ResponseType.ERROR && !CONNECTION_CLOSED.equals(errorCode(r));
  }

  /** {@code store} names the store in the sentence: "history", "presence". */
  static Throwable toProtocol(Throwable failure, long timeoutMs, String store) {
    String which = "The " + store + " store (Redis)";
    if (failure instanceof TimeoutException) {
      return unavailable(which + " did not answer within " + timeoutMs + " ms; retry later.");
    }
    if (failure instanceof RedisLink.Overloaded) {
      return unavailable(which + " has too many requests waiting; retry later.");
    }
    if (isRedisError(failure)) {
      Response r = (Response) failure;
      String code = errorCode(r);
      return PASSING_ERRORS.contains(code)
          ? unavailable(which + " cannot serve requests right now (" + code + "); retry later.")
          : new IllegalStateException("Redis answered an error: " + r, failure);
    }
    return unavailable(which + " cannot be reached; retry later.");
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
