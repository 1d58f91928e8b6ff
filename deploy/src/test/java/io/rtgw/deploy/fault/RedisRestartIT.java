package io.rtgw.deploy.fault;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis killed under traffic and restarted empty (no persistence): while it is down publishes fail fast
 * with {@code unavailable}; once it is back the gateway serves again by itself, in a new epoch; a
 * subscription resumed from a position of the old epoch (WebSocket {@code since}, SSE
 * {@code Last-Event-ID}, poll cursor) is told {@code recovered:false} with the new epoch, and the
 * subscribers that stayed connected get every message of both epochs once.
 */
class RedisRestartIT {

  private static final String CHANNEL = "feed:redis";
  private static final int BEFORE = 50;
  private static final int AFTER = 20;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(() -> ProcessCluster.builder("redis-restart")
      .nodes("core", 1).nodes("connection", 2).env("GATEWAY_HTTP_DRAIN_MS", "1000"));

  @Test
  void publishes_fail_fast_while_redis_is_down_and_resumes_get_recovered_false_in_the_new_epoch() throws Exception {
    ProcessCluster cluster = CLUSTER.get();
    List<Integer> ports = cluster.connectionPorts();
    HttpCalls one = new HttpCalls(ports.get(0));
    try (Clients clients = new Clients()) {
      List<Subscriber> subscribers = new ArrayList<>();
      List<Future<Void>> started = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        Subscriber s = clients.ofTransport(i, CHANNEL, ports, 500, 1000);
        subscribers.add(s);
        started.add(s.start(ports.get(i % 2)));
      }
      Clients.awaitAll(started);

      String oldEpoch;
      String sseCursor;
      String pollCursor = one.get("/messages?channel=" + CHANNEL).json().getString("cursor");
      try (SseClient stream = SseClient.open(clients.vertx(), ports.get(1), "/sse?channel=" + CHANNEL);
           KeyedPublisher publisher = new KeyedPublisher(CHANNEL, "before", null, ports, 100, Duration.ofSeconds(10))) {
        stream.await(e -> e.type().equals("subscribed"));
        publisher.start(BEFORE, 25);
        publisher.assertAcknowledged(Duration.ofSeconds(60), cluster);
        oldEpoch = publisher.acks().get(1).getString("epoch");
        stream.awaitMessages(BEFORE);
        sseCursor = stream.lastId();
      }
      pollCursor = one.get("/messages?channel=" + CHANNEL + "&cursor=" + URLEncoder.encode(pollCursor, StandardCharsets.UTF_8)).json().getString("cursor");
      for (Subscriber s : subscribers) {
        eventually(Duration.ofSeconds(20), () -> assertThat(s.delivered().count()).isGreaterThanOrEqualTo(BEFORE));
      }

      long killed = System.nanoTime();
      cluster.redis().stop();
      // publishes while Redis is down: each must fail with unavailable, and quickly
      List<Long> failMs = new ArrayList<>();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      int n = 0;
      while (System.nanoTime() < until) {
        long sent = System.nanoTime();
        HttpCalls.Reply reply = new HttpCalls(ports.get(n++ % 2)).post("/publish", new JsonObject().put("channel", CHANNEL).put("data", "down").put("key", "down-" + n));
        failMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
        assertThat(reply.status()).as(reply.text()).isEqualTo(503);
        assertThat(reply.json().getString("code")).isEqualTo("unavailable");
        assertThat(reply.json().getString("message")).isNotBlank();
        Thread.sleep(50);
      }
      String health = one.get("/health").json().getString("status");
      int ready = cluster.node("connection-1").readiness();
      List<Long> sorted = failMs.stream().sorted().toList();
      System.out.printf("[redis-restart] Redis down: %d publishes, all 503 unavailable, median %d ms, max %d ms (first %d ms); /health %s, /health/ready %d%n",
          failMs.size(), sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), failMs.get(0), health, ready);
      assertThat(health).isEqualTo("DEGRADED");
      assertThat(sorted.get(sorted.size() - 1)).as("every publish failed fast (ms)").isLessThan(1_000);

      cluster.redis().restart();
      long back = System.nanoTime();
      JsonObject first = eventually(Duration.ofSeconds(20), Duration.ofMillis(50), () -> {
        HttpCalls.Reply reply = one.post("/publish", new JsonObject().put("channel", CHANNEL).put("data", "after-1").put("key", "after-1"));
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        return reply.json();
      });
      long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - back);
      String newEpoch = first.getString("epoch");
      System.out.printf("[redis-restart] down %d ms; first publish acknowledged %d ms after Redis was back, epoch %s -> %s, offset %d%n",
          TimeUnit.NANOSECONDS.toMillis(back - killed), recoveredMs, oldEpoch, newEpoch, first.getLong("offset"));
      assertThat(newEpoch).isNotEqualTo(oldEpoch);
      assertThat(first.getLong("offset")).isEqualTo(1);
      for (int i = 2; i <= AFTER; i++) {
        HttpCalls.Reply reply = new HttpCalls(ports.get(i % 2)).post("/publish", new JsonObject().put("channel", CHANNEL).put("data", "after-" + i));
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.json().getLong("offset")).isEqualTo(i);
      }
      eventually(Duration.ofSeconds(10), () -> assertThat(one.get("/health").json().getString("status")).isEqualTo("UP"));

      // resumed from the old epoch, on every transport: recovered:false and the new epoch
      try (WsClient ws = WsClient.connect(clients.vertx(), ports.get(1), null)) {
        JsonObject subscribed = ws.subscribe(CHANNEL, oldEpoch, BEFORE);
        assertThat(subscribed.getBoolean("recovered")).isFalse();
        assertThat(subscribed.getString("epoch")).isEqualTo(newEpoch);
      }
      try (SseClient stream = SseClient.open(clients.vertx(), ports.get(0), "/sse?channel=" + CHANNEL,
          java.util.Map.of("Last-Event-ID", sseCursor))) {
        JsonObject c = stream.await(e -> e.type().equals("subscribed")).json().getJsonArray("channels").getJsonObject(0);
        assertThat(c.getBoolean("recovered")).isFalse();
        assertThat(c.getString("epoch")).isEqualTo(newEpoch);
      }
      JsonObject polled = one.get("/messages?channel=" + CHANNEL + "&cursor=" + URLEncoder.encode(pollCursor, StandardCharsets.UTF_8)).json();
      assertThat(polled.getJsonArray("resets").encode()).contains(CHANNEL);

      // the subscribers that stayed: both epochs, every message once
      Tally tally = Tally.none();
      for (Subscriber s : subscribers) {
        eventually(Duration.ofSeconds(20), () -> assertThat(s.delivered().offsets(newEpoch)).as(s.transport() + " " + s.delivered().notices()).hasSizeGreaterThanOrEqualTo(AFTER));
        Tally before = Tally.of(s.delivered().offsets(oldEpoch), 1, BEFORE);
        Tally after = Tally.of(s.delivered().offsets(newEpoch), 1, AFTER);
        assertThat(before.clean() && after.clean()).as(s.transport() + ": " + before + " / " + after).isTrue();
        tally = tally.plus(before).plus(after);
      }
      System.out.printf("[redis-restart] %d subscribers across the restart: %s; notices seen, e.g. %s%n", subscribers.size(), tally,
          subscribers.get(0).delivered().notices());
    }
  }
}
