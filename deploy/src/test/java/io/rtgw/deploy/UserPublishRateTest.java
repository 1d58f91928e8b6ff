package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-user publish rate across nodes ({@code limits.userPublishesPerSecond} on {@code limits.store:
 * redis}): two gateways that share nothing but a test-started redis-server, one user publishing on both,
 * over WebSocket on one and the HTTP API on the other, draws from one bucket. And the HTTP API's own
 * rate per caller, which it did not have.
 */
class UserPublishRateTest {

  private static final int USER_RATE = 5;
  private static final int USER_BURST = 10;
  private static final int CALLER_RATE = 10;
  private static final int CALLER_BURST = 20;

  private static RedisServer redis;
  private static Gateway a;
  private static Gateway b;
  private static Vertx clients;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    String prefix = "rtgw-test-" + UUID.randomUUID() + ":";
    String[] env = {"GATEWAY_REDIS_ENDPOINT", redis.endpoint(), "GATEWAY_REDIS_KEY_PREFIX", prefix,
        "GATEWAY_LIMITS_STORE", "redis",
        "GATEWAY_LIMITS_USER_PUBLISHES_PER_SECOND", String.valueOf(USER_RATE),
        "GATEWAY_LIMITS_USER_PUBLISH_BURST", String.valueOf(USER_BURST),
        "GATEWAY_LIMITS_PUBLISHES_PER_SECOND", String.valueOf(CALLER_RATE), "GATEWAY_LIMITS_PUBLISH_BURST", String.valueOf(CALLER_BURST)};
    a = TestGateways.start(env);
    b = TestGateways.start(env);
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    WsClient.await(clients.close());
    WsClient.await(a.stop());
    WsClient.await(b.stop());
    redis.close();
  }

  @Test
  void one_user_publishing_on_two_nodes_draws_from_one_bucket_and_is_refused_with_rate_limited() {
    try (WsClient alice = WsClient.connect(clients, a.httpPort(), "user=alice");
         HttpCalls httpB = new HttpCalls(b.httpPort())) {
      alice.await(f -> "connected".equals(f.getString("type")));
      long started = System.nanoTime();
      int accepted = 0;
      int refusedWs = 0;
      int refusedHttp = 0;
      for (int i = 0; i < 12; i++) {
        JsonObject ws = alice.publish("chat:rate", i);
        if ("published".equals(ws.getString("type"))) {
          accepted++;
        } else {
          assertThat(ws.getString("code")).isEqualTo("rate_limited");
          assertThat(ws.getString("message")).contains("at most " + USER_RATE + " a second");
          refusedWs++;
        }
        HttpCalls.Reply http = publish(httpB, "alice", i);
        if (http.status() == 200) {
          accepted++;
        } else {
          assertThat(http.status()).isEqualTo(429);
          assertThat(http.json().getString("code")).isEqualTo("rate_limited");
          assertThat(http.headers().get("Retry-After")).isEqualTo("1");
          refusedHttp++;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      // the burst, plus what refilled meanwhile; neither node alone could have refused anything
      assertThat(accepted).isBetween(USER_BURST, USER_BURST + (int) Math.ceil(seconds * USER_RATE) + 1);
      assertThat(refusedWs).isPositive();
      assertThat(refusedHttp).isPositive();
      // another user has a bucket of its own, on either node
      assertThat(publish(httpB, "bob", 0).status()).isEqualTo(200);
      assertThat(alice.isClosed()).isFalse();
    }
  }

  @Test
  void the_sustained_rate_across_nodes_is_the_configured_one() throws Exception {
    try (HttpCalls httpA = new HttpCalls(a.httpPort()); HttpCalls httpB = new HttpCalls(b.httpPort())) {
      // empty the bucket, then publish for two seconds as fast as replies come, alternating nodes
      int drained = 0;
      while (publish(httpA, "carol", 0).status() == 200) {
        drained++;
      }
      assertThat(drained).isGreaterThanOrEqualTo(USER_BURST);
      long started = System.nanoTime();
      int accepted = 0;
      int sent = 0;
      while (System.nanoTime() - started < 2_000_000_000L) {
        if (publish(sent++ % 2 == 0 ? httpA : httpB, "carol", sent).status() == 200) {
          accepted++;
        }
        Thread.sleep(10);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      double measured = accepted / seconds;
      System.out.printf("user publish rate across 2 nodes: configured %d/s, measured %.2f/s (%d of %d in %.2f s)%n",
          USER_RATE, measured, accepted, sent, seconds);
      assertThat(measured).isBetween(USER_RATE * 0.7, USER_RATE * 1.3);
    }
  }

  @Test
  void the_http_api_charges_anonymous_callers_the_publish_rate_of_a_websocket() {
    // anonymous callers have no user bucket: the per-caller rate (by IP) is what stops them
    try (HttpCalls http = new HttpCalls(a.httpPort())) {
      int accepted = 0;
      int refused = 0;
      long started = System.nanoTime();
      for (int i = 0; i < CALLER_BURST + 10; i++) {
        HttpCalls.Reply reply = publish(http, null, i);
        if (reply.status() == 200) {
          accepted++;
        } else {
          assertThat(reply.status()).isEqualTo(429);
          assertThat(reply.json().getString("message")).startsWith("Too many publishes (at most " + CALLER_RATE + " a second)");
          refused++;
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      assertThat(accepted).isBetween(CALLER_BURST, CALLER_BURST + (int) Math.ceil(seconds * CALLER_RATE) + 1);
      assertThat(refused).isPositive();
    }
  }

  private static HttpCalls.Reply publish(HttpCalls http, String user, int data) {
    return http.post("/publish" + (user == null ? "" : "?user=" + user), Buffer.buffer(new JsonObject()
        .put("channel", "chat:rate").put("data", data).encode()), Map.of("Content-Type", "application/json"));
  }
}
