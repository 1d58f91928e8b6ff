package io.rtgw.protocol;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answering a bus request, and failing one with a protocol error code: the status as failure code, a
 * sentence as message.
 */
public final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  private Replies() {
  }

  public static void fail(Message<?> request, Throwable failure) {
    GatewayException g = asProtocolError(request, failure);
    request.fail(g.code().status(), g.getMessage());
  }

  /**
   * Answers {@code request}: to the asker's {@link Answers} address when it was asked through one, as the
   * reply when it came as a plain bus request (or {@code asked} is null). {@code answer} carries the
   * ticket of what it answers.
   */
  public static void answer(EventBus bus, Message<?> request, Asked asked, Object answer) {
    if (throughAnswers(request, asked)) {
      bus.send(asked.answerTo(), answer);
    } else {
      request.reply(answer);
    }
  }

  /** Fails {@code request} as {@link #fail} does, or answers the asker's address with a {@link Refusal}. */
  public static void refuse(EventBus bus, Message<?> request, Asked asked, Throwable failure) {
    if (!throughAnswers(request, asked)) {
      fail(request, failure);
      return;
    }
    GatewayException g = asProtocolError(request, failure);
    bus.send(asked.answerTo(), new Refusal(asked.ticket(), g.code().status(), g.getMessage()));
  }

  private static boolean throughAnswers(Message<?> request, Asked asked) {
    return asked != null && asked.answerTo() != null && request.replyAddress() == null;
  }

  /** The failure as the requester hears it: a protocol error as it is, anything else logged and internal. */
  private static GatewayException asProtocolError(Message<?> request, Throwable failure) {
    if (failure instanceof GatewayException g) {
      return g;
    }
    LOG.error("Request on {} failed", request.address(), failure);
    return new GatewayException(ErrorCode.INTERNAL, "Internal error; the server logged the cause.");
  }
}
