package io.rtgw.fanout;

import static io.rtgw.protocol.Fields.CHANNEL;
import static io.rtgw.protocol.Fields.DATA;
import static io.rtgw.protocol.Fields.EPOCH;
import static io.rtgw.protocol.Fields.OFFSET;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.PublishResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A publish that passes the rules: history sequences it, fanout delivers it once and answers its position. */
@ExtendWith(VertxExtension.class)
class PublishDeliveryTest {

  private static final String CHANNEL_NAME = Fanout.OPEN + ":room42";

  private Vertx vertx;
  private HistoryStub history;
  private EventBus bus;
  private final List<Message> delivered = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext test) {
    this.vertx = vertx;
    bus = vertx.eventBus();
    history = new HistoryStub(vertx);
    MessageConsumer<Message> deliveries = bus.consumer(Addresses.delivery(CHANNEL_NAME), m -> delivered.add(m.body()));
    Future.all(history.ready(), deliveries.completion(), Fanout.deploy(vertx)).onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void a_publish_is_delivered_with_the_offset_and_epoch_history_gave_and_answered_with_them(Via via, VertxTestContext test) {
    history.sequence("k3j2", 42);
    via.publish(bus, CHANNEL_NAME, "{\"text\":\"hi\"}", "alice", null)
        .onComplete(test.succeeding(result -> {
          test.verify(() -> assertThat(result).isEqualTo(new PublishResult(CHANNEL_NAME, "k3j2", 42)));
          awaitDeliveries(test, 1, () -> {
            long acceptedAt = history.appends().get(0).ts();
            assertThat(delivered).containsExactly(
                new Message(CHANNEL_NAME, 42, "k3j2", "{\"text\":\"hi\"}", "alice", acceptedAt));
          });
        }));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void the_same_key_from_another_publisher_is_another_publish(Via via, VertxTestContext test) {
    via.publish(bus, CHANNEL_NAME, "1", "alice", "shared-key")
        .compose(v -> via.publish(bus, CHANNEL_NAME, "2", "bob", "shared-key"))
        .onComplete(test.succeeding(result -> test.verify(() -> {
          assertThat(history.appends()).extracting(AppendCommand::key).doesNotHaveDuplicates().hasSize(2);
          test.completeNow();
        })));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void history_is_asked_to_append_what_was_published_stamped_with_the_time_it_was_accepted(Via via, VertxTestContext test) {
    long before = System.currentTimeMillis();
    via.publish(bus, CHANNEL_NAME, "[1,\"two\",null]", "alice", "key-1")
        .onComplete(test.succeeding(result -> test.verify(() -> {
          assertThat(history.appends()).hasSize(1);
          AppendCommand append = history.appends().get(0);
          assertThat(append.channel()).isEqualTo(CHANNEL_NAME);
          assertThat(append.data()).isEqualTo("[1,\"two\",null]");
          assertThat(append.from()).isEqualTo("alice");
          // the key counts per publisher: its scope and the publisher go before it
          assertThat(append.key()).isEqualTo((via == Via.SERVICE ? "s" : "c") + "\u0000alice\u0000key-1");
          assertThat(append.ts()).isBetween(before, System.currentTimeMillis());
          test.completeNow();
        })));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void a_repeated_idempotency_key_is_answered_with_the_first_position_and_not_delivered_again(Via via, VertxTestContext test) {
    List<Long> answers = new CopyOnWriteArrayList<>();
    via.publish(bus, CHANNEL_NAME, "1", null, "same")
        .compose(first -> {
          answers.add(first.offset());
          return via.publish(bus, CHANNEL_NAME, "1", null, "same");
        })
        .compose(again -> {
          answers.add(again.offset());
          // deliveries of one channel arrive in the order they were published: had the repeat been
          // delivered, it would come before this one
          return via.publish(bus, CHANNEL_NAME, "2", null, "other");
        })
        .onComplete(test.succeeding(last -> {
          answers.add(last.offset());
          awaitDeliveries(test, 2, () -> {
            assertThat(answers).containsExactly(1L, 1L, 2L);
            assertThat(delivered).extracting(Message::offset).containsExactly(1L, 2L);
            assertThat(delivered).extracting(Message::data).containsExactly("1", "2");
          });
        }));
  }

  @Test
  void a_service_is_answered_with_exactly_channel_epoch_and_offset(VertxTestContext test) {
    bus.<JsonObject>request(Addresses.PUBLISH, new JsonObject().put(CHANNEL, CHANNEL_NAME).put(DATA, "hi"))
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertThat(reply.body().fieldNames()).containsExactlyInAnyOrder(CHANNEL, EPOCH, OFFSET);
          assertThat(reply.body().getString(CHANNEL)).isEqualTo(CHANNEL_NAME);
          assertThat(reply.body().getString(EPOCH)).isEqualTo(HistoryStub.EPOCH);
          assertThat(reply.body().getLong(OFFSET)).isEqualTo(1L);
          test.completeNow();
        })));
  }

  @Test
  void a_service_publish_keeps_data_of_every_json_type_as_its_text(VertxTestContext test) {
    JsonArray values = new JsonArray().add("text").add(5).add(2.5).add(true).addNull()
        .add(new JsonArray().add(1)).add(new JsonObject().put("nested", new JsonObject().put("a", 1)));
    Future<?> all = Future.succeededFuture();
    for (Object value : values) {
      all = all.compose(v -> bus.request(Addresses.PUBLISH, new JsonObject().put(CHANNEL, CHANNEL_NAME).put(DATA, value)));
    }
    all.onComplete(test.succeeding(v -> test.verify(() -> {
      assertThat(history.appends()).extracting(AppendCommand::data)
          .containsExactly("\"text\"", "5", "2.5", "true", "null", "[1]", "{\"nested\":{\"a\":1}}");
      test.completeNow();
    })));
  }

  @Test
  void a_service_may_publish_where_clients_may_not(VertxTestContext test) {
    String closed = Fanout.CLOSED + ":headlines";
    Via.SERVICE.publish(bus, closed, "\"extra\"")
        .onComplete(test.succeeding(result -> test.verify(() -> {
          assertThat(result).isEqualTo(new PublishResult(closed, HistoryStub.EPOCH, 1));
          assertThat(history.appends()).extracting(AppendCommand::channel).containsExactly(closed);
          test.completeNow();
        })));
  }

  @ParameterizedTest(name = "through {0}")
  @EnumSource(Via.class)
  void data_of_exactly_the_limit_and_a_key_of_256_characters_are_accepted(Via via, VertxTestContext test) {
    String atLimit = "\"" + "x".repeat(Fanout.MAX_MESSAGE_BYTES - 2) + "\"";
    via.publish(bus, CHANNEL_NAME, atLimit, null, "k".repeat(256))
        .onComplete(test.succeeding(result -> test.verify(() -> {
          assertThat(history.appends()).extracting(AppendCommand::data).containsExactly(atLimit);
          test.completeNow();
        })));
  }

  @Test
  void a_delivery_goes_to_the_address_of_its_own_channel_only(VertxTestContext test) {
    String other = Fanout.OPEN + ":other";
    List<Message> elsewhere = new CopyOnWriteArrayList<>();
    bus.<Message>consumer(Addresses.delivery(other), m -> elsewhere.add(m.body())).completion()
        .compose(v -> Via.SERVICE.publish(bus, CHANNEL_NAME, "1"))
        .compose(v -> Via.SERVICE.publish(bus, other, "2"))
        .onComplete(test.succeeding(v -> awaitUntil(test, () -> delivered.size() + elsewhere.size() >= 2, () -> {
          assertThat(elsewhere).extracting(Message::channel).containsExactly(other);
          assertThat(delivered).extracting(Message::channel).containsExactly(CHANNEL_NAME);
        })));
  }

  /**
   * Verifies once {@code count} deliveries of the channel arrived. Fanout publishes a delivery before it
   * answers, but the delivery may arrive after the answer.
   */
  @Test
  void a_node_routed_append_is_sent_to_each_routed_instance_and_not_published_on_the_channel(VertxTestContext test) {
    List<String> toA = new CopyOnWriteArrayList<>();
    List<String> toB = new CopyOnWriteArrayList<>();
    MessageConsumer<Message> a = bus.consumer(Addresses.node("node-a.0"), m -> toA.add(m.body().data()));
    MessageConsumer<Message> b = bus.consumer(Addresses.node("node-b.1"), m -> toB.add(m.body().data()));
    history.reply(new io.rtgw.protocol.AppendResult(
        new Message(CHANNEL_NAME, 7, "e1", "\"dm\"", "alice", 1L), false, List.of("node-a.0", "node-b.1")));
    Future.all(a.completion(), b.completion())
        .compose(v -> Via.SERVICE.publish(bus, CHANNEL_NAME, "\"dm\"", "alice", null))
        .onComplete(test.succeeding(result -> awaitUntil(test, () -> toA.size() + toB.size() >= 2, () -> {
          assertThat(toA).containsExactly("\"dm\"");
          assertThat(toB).containsExactly("\"dm\"");
          assertThat(delivered).as("nothing on the channel's own address").isEmpty();
        })));
  }

  private void awaitDeliveries(VertxTestContext test, int count, VertxTestContext.ExecutionBlock verify) {
    awaitUntil(test, () -> delivered.size() >= count, verify);
  }

  /** Verifies once {@code done} holds, or after 5 s (when the verification will fail). */
  private void awaitUntil(VertxTestContext test, BooleanSupplier done, VertxTestContext.ExecutionBlock verify) {
    long deadline = System.currentTimeMillis() + 5_000;
    vertx.setPeriodic(5, id -> {
      if (done.getAsBoolean() || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        test.verify(verify);
        test.completeNow();
      }
    });
  }
}
