package io.rtgw.protocol;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A failure with a protocol error code and a sentence fit to show a client. Carries no stack trace:
 * these are expected outcomes (bad input, a tier down), not bugs.
 */
public final class GatewayException extends RuntimeException {

  private final ErrorCode code;

  public GatewayException(ErrorCode code, String sentence) {
    super(sentence, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static GatewayException badRequest(String sentence) {
    return new GatewayException(ErrorCode.BAD_REQUEST, sentence);
  }

  public static GatewayException forbidden(String sentence) {
    return new GatewayException(ErrorCode.FORBIDDEN, sentence);
  }

  /** A presence query or entry in a namespace whose presence is off; the same sentence in every tier. */
  public static GatewayException presenceOff(String channel) {
    return forbidden("Presence is off for namespace '" + ChannelName.namespace(channel) + "'.");
  }

  /**
   * Turns any failure of a bus request into a protocol error. {@code tier} names what was asked
   * ("history", "fanout") so a missing or silent tier reads as a sentence a client can act on.
   */
  public static GatewayException from(Throwable failure, String tier) {
    if (failure instanceof GatewayException g) {
      return g;
    }
    if (failure instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return new GatewayException(ErrorCode.ofStatus(re.failureCode()), re.getMessage());
      }
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return new GatewayException(ErrorCode.UNAVAILABLE, "The " + tier + " tier is not running; retry later.");
      }
      return new GatewayException(ErrorCode.UNAVAILABLE, "The " + tier + " tier did not answer in time; retry later.");
    }
    return new GatewayException(ErrorCode.INTERNAL, "Internal error; the server logged the cause.");
  }
}
