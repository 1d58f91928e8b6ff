package io.rtgw.protocol;

import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Failing a bus request with a protocol error code: the status as failure code, a sentence as message. */
public final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  private Replies() {
  }

  public static void fail(Message<?> request, Throwable failure) {
    if (failure instanceof GatewayException g) {
      request.fail(g.code().status(), g.getMessage());
    } else {
      LOG.error("Request on {} failed", request.address(), failure);
      request.fail(ErrorCode.INTERNAL.status(), "Internal error; the server logged the cause.");
    }
  }
}
