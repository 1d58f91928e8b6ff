package io.rtgw.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.codec.Codecs;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a bus request gave, through one-way sends and a table: answers matched by ticket in any order, a
 * refusal with its status, an address nobody serves at once, a silent one at the timeout, a late or
 * foreign answer ignored, and nothing left waiting.
 */
class AnswersTest {

  private static final String ASKED = "test.asked";
  private static final long TIMEOUT_MS = 200;

  private Vertx vertx;
  private EventBus bus;
  private Answers answers;
  private final List<io.vertx.core.eventbus.Message<PublishCommand>> held = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Codecs.register(vertx);
    bus = vertx.eventBus();
    answers = on(() -> {
      Answers a = new Answers(vertx, Addresses.answers("test." + System.nanoTime()), TIMEOUT_MS);
      return a.started().map(a);
    });
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void answers_find_their_ask_whatever_order_they_come_in() throws Exception {
    serve(ASKED, msg -> {
      held.add(msg);
      if (held.size() == 3) {
        // answered last to first
        for (int i = held.size() - 1; i >= 0; i--) {
          PublishCommand cmd = held.get(i).body();
          Replies.answer(bus, held.get(i), cmd, new PublishResult(cmd.channel(), "e1", i).answering(cmd));
        }
      }
    });
    List<PublishResult> results = on(() -> Future.all(List.of(ask("a:1"), ask("a:2"), ask("a:3")))
        .map(all -> all.<PublishResult>list()));
    assertThat(results).extracting(PublishResult::channel).containsExactly("a:1", "a:2", "a:3");
    assertThat(results).extracting(PublishResult::offset).containsExactly(0L, 1L, 2L);
    assertThat(answers.size()).isZero();
  }

  @Test
  void a_refusal_fails_the_ask_as_a_failed_reply_would() throws Exception {
    serve(ASKED, msg -> Replies.refuse(bus, msg, msg.body(),
        GatewayException.forbidden("Clients may not publish to namespace 'a'.")));
    Throwable failure = failureOf(() -> ask("a:1"));
    assertThat(failure).isInstanceOf(ReplyException.class);
    ReplyException re = (ReplyException) failure;
    assertThat(re.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(re.failureCode()).isEqualTo(ErrorCode.FORBIDDEN.status());
    assertThat(GatewayException.from(re, "fanout").getMessage()).isEqualTo("Clients may not publish to namespace 'a'.");
  }

  @Test
  void an_address_nobody_serves_fails_at_once() throws Exception {
    long startedAt = System.nanoTime();
    Throwable failure = failureOf(() -> ask("a:1"));
    assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat((System.nanoTime() - startedAt) / 1_000_000).isLessThan(TIMEOUT_MS);
    assertThat(GatewayException.from(failure, "fanout").getMessage()).isEqualTo("The fanout tier is not running; retry later.");
    assertThat(answers.size()).isZero();
  }

  @Test
  void a_silent_tier_fails_the_ask_at_the_timeout_and_a_late_answer_is_ignored() throws Exception {
    serve(ASKED, held::add);
    long startedAt = System.nanoTime();
    Throwable failure = failureOf(() -> ask("a:1"));
    long waitedMs = (System.nanoTime() - startedAt) / 1_000_000;
    assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
    assertThat(waitedMs).isGreaterThanOrEqualTo(TIMEOUT_MS).isLessThan(TIMEOUT_MS * 3);
    assertThat(GatewayException.from(failure, "fanout").getMessage())
        .isEqualTo("The fanout tier did not answer in time; retry later.");
    // the late answer, and one that is no answer at all, find nothing and break nothing
    PublishCommand cmd = held.get(0).body();
    on(() -> {
      Replies.answer(bus, held.get(0), cmd, new PublishResult("a:1", "e1", 1).answering(cmd));
      bus.send(cmd.answerTo(), new JsonObject().put("offset", 1));
      return Future.succeededFuture();
    });
    serve(ASKED + ".2", msg -> Replies.answer(bus, msg,
        msg.body(), new PublishResult("b:1", "e1", 7).answering(msg.body())));
    PublishResult next = on(() -> answers.<PublishResult>ask(ASKED + ".2",
        ticket -> new PublishCommand("b:1", "1", null, null).asked(answers.address(), ticket)));
    assertThat(next.offset()).isEqualTo(7);
    assertThat(answers.size()).isZero();
  }

  @Test
  void a_plain_request_is_answered_by_the_reply() throws Exception {
    serve(ASKED, msg -> Replies.answer(bus, msg, msg.body(),
        new PublishResult(msg.body().channel(), "e1", 3).answering(msg.body())));
    PublishResult result = on(() -> bus.<PublishResult>request(ASKED, new PublishCommand("a:1", "1", null, null))
        .map(io.vertx.core.eventbus.Message::body));
    assertThat(result.offset()).isEqualTo(3);
  }

  @Test
  void an_ask_from_another_thread_is_moved_to_the_context_that_owns_the_table() throws Exception {
    serve(ASKED, msg -> Replies.answer(bus, msg, msg.body(),
        new PublishResult(msg.body().channel(), "e1", 5).answering(msg.body())));
    // from the test's own thread, not the answers' context
    PublishResult result = ask("a:1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(result.offset()).isEqualTo(5);
    assertThat(on(() -> Future.succeededFuture(answers.size()))).isZero();
  }

  @Test
  void closing_fails_what_still_waits() throws Exception {
    serve(ASKED, held::add);
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    on(() -> {
      ask("a:1").onFailure(failed::complete);
      return Future.succeededFuture();
    });
    on(() -> answers.close());
    assertThat(((ReplyException) failed.get(5, TimeUnit.SECONDS)).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
  }

  /** Serves {@code address} on the answers' context. */
  private void serve(String address, io.vertx.core.Handler<io.vertx.core.eventbus.Message<PublishCommand>> handler)
      throws Exception {
    on(() -> bus.consumer(address, handler).completion());
  }

  private Future<PublishResult> ask(String channel) {
    return answers.ask(ASKED, ticket -> new PublishCommand(channel, "1", null, null).asked(answers.address(), ticket));
  }

  private Throwable failureOf(Supplier<Future<?>> call) throws Exception {
    return on(() -> call.get().transform(ar -> Future.succeededFuture(ar.cause())));
  }

  /** Runs on the answers' context, as their owner does, and waits for the outcome. */
  private <T> T on(Supplier<Future<T>> call) throws Exception {
    Promise<T> done = Promise.promise();
    (context == null ? (context = vertx.getOrCreateContext()) : context).runOnContext(v -> call.get().onComplete(done));
    return done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private io.vertx.core.Context context;
}
