package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The delivery guarantees every history store must give, over real WebSockets: resume without hole or
 * duplicate while publishes continue, honest recovered flags, idempotent publishes, history reads, the
 * offline inbox. Each gateway test class (memory store, Redis store) inherits and runs these against
 * its own gateway.
 */
abstract class DeliveryGuaranteesContract {

  /** A client of the gateway under test, closed by the end of the test at the latest. */
  protected abstract WsClient connect(String query);

  @Test
  void a_repeated_idempotency_key_gets_the_first_reply_and_publishes_once() {
    try (WsClient c = connect("user=ida")) {
      c.subscribe("chat:idem");
      JsonObject cmd = new JsonObject().put("type", "publish").put("channel", "chat:idem").put("data", "once")
          .put("key", "k-123");
      JsonObject first = c.request(cmd);
      JsonObject again = c.request(cmd);
      assertThat(again.getLong("offset")).isEqualTo(first.getLong("offset"));
      assertThat(again.getString("epoch")).isEqualTo(first.getString("epoch"));
      JsonObject other = c.request(cmd.copy().put("key", "k-124"));
      assertThat(other.getLong("offset")).isEqualTo(first.getLong("offset") + 1);
      c.awaitMessages("chat:idem", 2);
      c.request(new JsonObject().put("type", "ping"));
      assertThat(Offsets.of(c.messages("chat:idem"))).containsExactly(first.getLong("offset"), other.getLong("offset"));
    }
  }

  @Test
  void history_returns_what_was_published_after_a_position() {
    try (WsClient c = connect(null)) {
      JsonObject sub = c.subscribe("chat:hist");
      for (int i = 1; i <= 5; i++) {
        c.publish("chat:hist", i);
      }
      JsonObject page = c.request(new JsonObject().put("type", "history").put("channel", "chat:hist")
          .put("since", new JsonObject().put("epoch", sub.getString("epoch")).put("offset", 2)).put("limit", 2));
      assertThat(page.getString("type")).isEqualTo("history");
      assertThat(page.getBoolean("recovered")).isTrue();
      assertThat(page.getLong("offset")).isEqualTo(5);
      assertThat(Offsets.of(page.getJsonArray("messages").stream().map(o -> (JsonObject) o).toList()))
          .containsExactly(3L, 4L);
      JsonObject wrongEpoch = c.request(new JsonObject().put("type", "history").put("channel", "chat:hist")
          .put("since", new JsonObject().put("epoch", "other").put("offset", 2)));
      assertThat(wrongEpoch.getBoolean("recovered")).isFalse();
      assertThat(wrongEpoch.getJsonArray("messages")).hasSize(5);
    }
  }

  @Test
  void a_client_resuming_while_publishes_continue_gets_every_offset_once_in_order() throws Exception {
    String channel = "chat:resume";
    int total = 600;
    try (WsClient publisher = connect("user=pub")) {
      WsClient first = connect(null);
      JsonObject sub = first.subscribe(channel);
      String epoch = sub.getString("epoch");
      long start = sub.getLong("offset");
      // a publishing rate (50 every 5 ms), so that the resume below lands while publishing goes on
      ScheduledExecutorService pump = Executors.newSingleThreadScheduledExecutor();
      CompletableFuture<Void> pumped = new CompletableFuture<>();
      int[] sent = {0};
      pump.scheduleAtFixedRate(() -> {
        for (int n = 0; n < 50 && sent[0] < total; n++, sent[0]++) {
          publisher.send(new JsonObject().put("type", "publish").put("channel", channel).put("data", sent[0]));
        }
        if (sent[0] == total) {
          pumped.complete(null);
        }
      }, 0, 5, TimeUnit.MILLISECONDS);
      first.awaitMessages(channel, 100);
      first.close();
      List<JsonObject> before = first.messages(channel);
      long last = before.get(before.size() - 1).getLong("offset");

      try (WsClient second = connect(null)) {
        JsonObject resumed = second.subscribe(channel, epoch, last);
        assertThat(resumed.getBoolean("recovered")).isTrue();
        WsClient.await(pumped);
        pump.shutdownNow();
        List<JsonObject> after = second.awaitMessages(channel, (int) (start + total - last));
        List<Long> all = new ArrayList<>(Offsets.of(before));
        all.addAll(Offsets.of(after));
        assertThat(all).containsExactlyElementsOf(Offsets.range(start + 1, start + total));
      }
    }
  }

  @Test
  void resuming_from_an_unknown_epoch_is_told_recovered_false_and_gets_what_is_retained() {
    try (WsClient c = connect(null)) {
      c.publish("chat:lost", "a");
      c.publish("chat:lost", "b");
      JsonObject sub = c.subscribe("chat:lost", "gone", 7);
      assertThat(sub.getBoolean("recovered")).isFalse();
      assertThat(Offsets.of(c.awaitMessages("chat:lost", 2))).containsExactly(1L, 2L);
    }
  }

  @Test
  void direct_messages_sent_while_offline_arrive_on_the_next_connect_by_resuming_the_inbox() {
    JsonObject position;
    try (WsClient carol = connect("user=carol")) {
      position = carol.await(f -> "subscribed".equals(f.getString("type")) && "user:carol".equals(f.getString("channel")));
    }
    try (WsClient dave = connect("user=dave")) {
      for (int i = 1; i <= 3; i++) {
        dave.publish("user:carol", "dm " + i);
      }
    }
    try (WsClient carol = connect("user=carol")) {
      JsonObject resumed = carol.subscribe("user:carol", position.getString("epoch"), position.getLong("offset"));
      assertThat(resumed.getString("type")).isEqualTo("subscribed");
      assertThat(resumed.getBoolean("recovered")).isTrue();
      long from = position.getLong("offset");
      assertThat(Offsets.of(carol.awaitMessages("user:carol", 3))).containsExactlyElementsOf(Offsets.range(from + 1, from + 3));
      // still subscribed once: a new direct message arrives once
      connect("user=erin").publish("user:carol", "live");
      assertThat(Offsets.of(carol.awaitMessages("user:carol", 4))).containsExactlyElementsOf(Offsets.range(from + 1, from + 4));
    }
  }
}
