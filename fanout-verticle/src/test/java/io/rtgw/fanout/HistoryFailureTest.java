package io.rtgw.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * When history cannot sequence a publish, the publisher hears why, with the code and sentence of the
 * failure, and nothing is delivered.
 */
@ExtendWith(VertxExtension.class)
class HistoryFailureTest {

  /** Short, so that a history that never answers costs the test little. */
  private static final long REQUEST_TIMEOUT_MS = 300;
  private static final String CHANNEL_NAME = Fanout.OPEN + ":room42";

  private HistoryStub history;
  private EventBus bus;
  private final List<Message> delivered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    bus = vertx.eventBus();
    history = new HistoryStub(vertx);
    MessageConsumer<Message> deliveries = bus.consumer(Addresses.delivery(CHANNEL_NAME), m -> delivered.add(m.body()));
    Future.all(history.ready(), deliveries.completion(), Fanout.deploy(vertx, REQUEST_TIMEOUT_MS))
        .onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void nothing_was_delivered() {
    assertThat(delivered).isEmpty();
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void a_history_store_that_is_down_makes_the_publish_unavailable_with_its_sentence(Via via, VertxTestContext test) {
    String sentence = "The history store (Redis) cannot be reached; retry later.";
    history.fail(ErrorCode.UNAVAILABLE.status(), sentence);
    via.publish(bus, CHANNEL_NAME, "1").onComplete(test.failing(e -> test.verify(() -> {
      Fanout.assertRefused(e, ErrorCode.UNAVAILABLE, sentence);
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void a_refusal_by_history_reaches_the_publisher_with_its_code(Via via, VertxTestContext test) {
    String sentence = "Unknown namespace 'chat' in channel 'chat:room42'; the server configures which namespaces exist.";
    history.fail(ErrorCode.BAD_REQUEST.status(), sentence);
    via.publish(bus, CHANNEL_NAME, "1").onComplete(test.failing(e -> test.verify(() -> {
      Fanout.assertRefused(e, ErrorCode.BAD_REQUEST, sentence);
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void an_internal_error_in_history_stays_internal(Via via, VertxTestContext test) {
    String sentence = "Internal error; the server logged the cause.";
    history.fail(ErrorCode.INTERNAL.status(), sentence);
    via.publish(bus, CHANNEL_NAME, "1").onComplete(test.failing(e -> test.verify(() -> {
      Fanout.assertRefused(e, ErrorCode.INTERNAL, sentence);
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void a_failure_code_the_protocol_does_not_know_becomes_internal(Via via, VertxTestContext test) {
    history.fail(418, "I'm a teapot.");
    via.publish(bus, CHANNEL_NAME, "1").onComplete(test.failing(e -> test.verify(() -> {
      Fanout.assertRefused(e, ErrorCode.INTERNAL, "I'm a teapot.");
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void without_a_history_tier_the_publish_is_unavailable(Via via, VertxTestContext test) {
    history.stop()
        .compose(v -> via.publish(bus, CHANNEL_NAME, "1"))
        .onComplete(test.failing(e -> test.verify(() -> {
          Fanout.assertRefused(e, ErrorCode.UNAVAILABLE, "The history tier is not running; retry later.");
          test.completeNow();
        })));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void a_history_tier_that_does_not_answer_in_time_makes_the_publish_unavailable(Via via, VertxTestContext test) {
    history.stayQuiet();
    long sentAt = System.nanoTime();
    via.publish(bus, CHANNEL_NAME, "1").onComplete(test.failing(e -> test.verify(() -> {
      Fanout.assertRefused(e, ErrorCode.UNAVAILABLE, "The history tier did not answer in time; retry later.");
      assertThat((System.nanoTime() - sentAt) / 1_000_000).isGreaterThanOrEqualTo(REQUEST_TIMEOUT_MS);
      assertThat(history.appends()).hasSize(1);
      test.completeNow();
    })));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void an_answer_history_never_gives_is_dropped_and_the_publish_times_out_without_a_delivery(Via via,
      VertxTestContext test) {
    // sent to fanout's answer address, it carries no ticket to match: it answers nothing
    history.reply(new JsonObject().put("offset", 1));
    via.publish(bus, CHANNEL_NAME, "1").onComplete(test.failing(e -> test.verify(() -> {
      Fanout.assertRefused(e, ErrorCode.UNAVAILABLE, "The history tier did not answer in time; retry later.");
      test.completeNow();
    })));
  }
}
