package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway with its history on a real redis-server, four history and four fanout instances: the
 * sequencing, resume and idempotency guarantees over real sockets, and what clients see when Redis loses
 * its state or goes away.
 */
class RedisGatewayTest extends DeliveryGuaranteesContract {

  private static final Logger LOG = LoggerFactory.getLogger(RedisGatewayTest.class);
  private static final int PUBLISHES = 10_000;
  private static final int HISTORY_INSTANCES = 4;
  /**
   * The burst puts 2,500 appends at once on each history instance, and this machine's two cores are shared:
   * the last appends can wait seconds. These tests are about exact sequencing, so calls get time; the
   * timeout's bound is tested on the store (RedisHistoryStoreTest).
   */
  private static final long REDIS_TIMEOUT_MS = 10_000;
  private static final long BUS_TIMEOUT_MS = 15_000;
  /** A stopped Redis refuses connections: publishes fail at once, long before any timeout. */
  private static final long FAIL_FAST_MS = 3_000;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.withRedis(
      "GATEWAY_HISTORY_STORE", "redis",
      "GATEWAY_REDIS_COMMAND_TIMEOUT_MS", String.valueOf(REDIS_TIMEOUT_MS),
      "GATEWAY_DELIVERY_REQUEST_TIMEOUT_MS", String.valueOf(BUS_TIMEOUT_MS),
      "GATEWAY_ROLES_HISTORY_INSTANCES", String.valueOf(HISTORY_INSTANCES),
      "GATEWAY_ROLES_FANOUT_INSTANCES", "4",
      // the burst test's subscriber heals reordered deliveries from history: the history must reach
      // back over the whole burst, as it must over any gap a node is to heal
      "GATEWAY_NAMESPACES_FEED_HISTORY_SIZE", String.valueOf(PUBLISHES));

  @BeforeAll
  static void warmUp() {
    // the burst's figures should say what a running gateway does, not how fast the JIT compiles
    List<Future<Message<JsonObject>>> warmUp = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      warmUp.add(gateway.vertx().eventBus().request(Addresses.PUBLISH,
          new JsonObject().put("channel", "feed:warm-up").put("data", i)));
    }
    WsClient.await(Future.all(warmUp));
  }

  @Override
  protected WsClient connect(String query) {
    return gateway.ws(query);
  }

  @Test
  void ten_thousand_concurrent_publishes_get_offsets_one_to_ten_thousand_and_reach_a_subscriber_in_order() throws Exception {
    String channel = "feed:burst";
    OffsetRecorder subscriber = OffsetRecorder.subscribe(gateway.clients(), gateway.port(), channel, PUBLISHES);

    long started = System.nanoTime();
    List<Future<Message<JsonObject>>> replies = new ArrayList<>(PUBLISHES);
    for (int i = 0; i < PUBLISHES; i++) {
      replies.add(gateway.vertx().eventBus().request(Addresses.PUBLISH,
          new JsonObject().put("channel", channel).put("data", i).put("from", "svc-burst")));
    }
    List<Message<JsonObject>> all = WsClient.await(Future.all(replies)).list();
    long publishedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    subscriber.all.get(60, TimeUnit.SECONDS);
    long deliveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    LOG.info("{} concurrent publishes through 4 fanout and 4 history instances on Redis: all replied in {} ms,"
        + " all delivered to a WebSocket subscriber in {} ms", PUBLISHES, publishedMs, deliveredMs);
    subscriber.close();

    List<Long> offsets = all.stream().map(m -> m.body().getLong("offset")).sorted().toList();
    assertThat(offsets).isEqualTo(Offsets.range(1, PUBLISHES));
    assertThat(all.stream().map(m -> m.body().getString("epoch")).distinct()).hasSize(1);
    assertThat(subscriber.resets).isEmpty();
    assertThat(subscriber.offsets).isEqualTo(Offsets.range(1, PUBLISHES));
  }

  @Test
  void after_redis_restarts_empty_a_resuming_client_is_told_recovered_false_and_gets_the_new_epoch() {
    String channel = "chat:restart";
    try (WsClient c = connect("user=rita")) {
      c.publish(channel, "a");
      JsonObject before = c.publish(channel, "b");

      gateway.redis().stop();
      gateway.redis().restart();
      JsonObject after = publishOnceAvailable(c, channel, "c");
      assertThat(after.getString("type")).as(after.encode()).isEqualTo("published");
      assertThat(after.getString("epoch")).isNotEqualTo(before.getString("epoch"));
      assertThat(after.getLong("offset")).isEqualTo(1);

      try (WsClient resuming = connect(null)) {
        // the instances' Redis links come back one after another: a read that reaches one still
        // reconnecting is answered unavailable, and a client tries again, as after any such answer
        JsonObject sub = eventually(Duration.ofSeconds(5), Duration.ofMillis(50), () -> {
          JsonObject reply = resuming.subscribe(channel, before.getString("epoch"), before.getLong("offset"));
          assertThat(reply.getString("code")).as(reply.encode()).isNotEqualTo("unavailable");
          return reply;
        });
        assertThat(sub.getString("type")).as(sub.encode()).isEqualTo("subscribed");
        assertThat(sub.getBoolean("recovered")).isFalse();
        assertThat(sub.getString("epoch")).isEqualTo(after.getString("epoch"));
        List<JsonObject> retained = resuming.awaitMessages(channel, 1);
        assertThat(retained.get(0).getString("data")).isEqualTo("c");
        assertThat(retained.get(0).getLong("offset")).isEqualTo(1);
      }
    } finally {
      ensureRedisIsBack();
    }
  }

  @Test
  void while_redis_is_down_publishes_fail_at_once_with_unavailable_and_succeed_once_it_is_back() {
    String channel = "chat:outage";
    try (WsClient c = connect("user=otto")) {
      c.publish(channel, "before");
      gateway.redis().stop();

      long started = System.nanoTime();
      JsonObject failed = c.publish(channel, "during");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(failed.getString("type")).as(failed.encode()).isEqualTo("error");
      assertThat(failed.getString("code")).isEqualTo("unavailable");
      assertThat(failed.getString("message")).contains("Redis");
      assertThat(ms).isLessThan(FAIL_FAST_MS);
      // the node stays in service (its live connections are fine) but says what is wrong
      JsonObject degraded = health();
      assertThat(degraded.getString("status")).isEqualTo("DEGRADED");
      assertThat(degraded.getString("history")).isEqualTo("down");

      gateway.redis().restart();
      JsonObject back = publishOnceAvailable(c, channel, "after");
      assertThat(back.getString("type")).as(back.encode()).isEqualTo("published");
      // UP again once every history instance is back; 200 all along, as for DEGRADED
      List<Integer> statuses = new ArrayList<>();
      eventually(Duration.ofSeconds(10), Duration.ofMillis(100), () -> {
        HttpCalls.Reply reply = gateway.http().get("/health");
        statuses.add(reply.status());
        assertThat(reply.json().getString("status")).isEqualTo("UP");
      });
      assertThat(statuses).containsOnly(200);
      assertThat(c.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
      assertThat(c.isClosed()).isFalse();
    } finally {
      ensureRedisIsBack();
    }
  }

  /** GET /health, which answers 200 for UP and DEGRADED alike. */
  private static JsonObject health() {
    HttpCalls.Reply reply = gateway.http().get("/health");
    assertThat(reply.status()).isEqualTo(200);
    return reply.json();
  }

  /**
   * Publishes as a client does after an outage: again while the answer is {@code unavailable}. The
   * history instances reconnect with backoff, so each is back within the longest backoff step.
   */
  private static JsonObject publishOnceAvailable(WsClient c, String channel, Object data) {
    return eventually(Duration.ofSeconds(5), Duration.ofMillis(50), () -> {
      JsonObject reply = c.publish(channel, data);
      assertThat(reply.getString("code")).as(reply.encode()).isNotEqualTo("unavailable");
      return reply;
    });
  }

  /**
   * Leaves Redis running and every history instance reconnected, for the tests that follow: each instance
   * reconnects on its own backoff, and point-to-point requests go round-robin over the four, so two
   * successful history queries in a row per instance mean all are back.
   */
  private static void ensureRedisIsBack() {
    if (!gateway.redis().isRunning()) {
      gateway.redis().restart();
    }
    eventually(Duration.ofSeconds(10), Duration.ofMillis(50), () -> {
      for (int i = 0; i < 2 * HISTORY_INSTANCES; i++) {
        var reply = gateway.vertx().eventBus().request(Addresses.HISTORY_QUERY, new JsonObject().put("channel", "chat:probe"))
            .toCompletionStage().toCompletableFuture();
        try {
          reply.get(BUS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          throw new AssertionError("history back within the reconnect backoff: " + e, e);
        }
      }
    });
  }

  /**
   * A WebSocket subscriber that keeps only offsets: {@link WsClient} keeps and searches every frame, which
   * is right for a few hundred messages and too slow for ten thousand.
   */
  private static final class OffsetRecorder {

    final List<Long> offsets = Collections.synchronizedList(new ArrayList<>());
    final List<JsonObject> resets = Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<Void> all = new CompletableFuture<>();
    private final WebSocketClient client;
    private final WebSocket ws;

    private OffsetRecorder(WebSocketClient client, WebSocket ws) {
      this.client = client;
      this.ws = ws;
    }

    static OffsetRecorder subscribe(Vertx vertx, int port, String channel, int expected) {
      WebSocketClient client = vertx.createWebSocketClient();
      WebSocket ws = WsClient.await(client.connect(new WebSocketConnectOptions()
          .setHost("127.0.0.1").setPort(port).setURI("/ws")));
      OffsetRecorder recorder = new OffsetRecorder(client, ws);
      CompletableFuture<JsonObject> subscribed = new CompletableFuture<>();
      ws.textMessageHandler(text -> {
        JsonObject frame = new JsonObject(text);
        switch (frame.getString("type")) {
          case "subscribed" -> subscribed.complete(frame);
          case "reset" -> recorder.resets.add(frame);
          case "message" -> {
            recorder.offsets.add(frame.getLong("offset"));
            if (recorder.offsets.size() == expected) {
              recorder.all.complete(null);
            }
          }
          default -> { }
        }
      });
      ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("channel", channel).encode());
      assertThat(WsClient.await(subscribed).getLong("offset")).isZero();
      return recorder;
    }

    void close() {
      ws.close();
      client.close();
    }
  }
}
