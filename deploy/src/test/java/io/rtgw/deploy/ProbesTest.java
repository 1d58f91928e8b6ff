package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.Eventually;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /health/live} and {@code /health/ready}: both answer GET and HEAD; ready turns 503 with
 * Retry-After while the node drains and while the Redis of its history store is down, and back once it
 * is up; live stays 200 throughout; {@code /health} keeps its old answers. A clustered edge node is ready
 * while it reaches the core's tiers over the cluster's bus.
 */
class ProbesTest {

  /** History and presence on the extension's Redis, so stopping Redis takes both stores down. */
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.withRedis("GATEWAY_HISTORY_STORE", "redis",
      "GATEWAY_PRESENCE_STORE", "redis");

  @AfterEach
  void redisBack() {
    if (!gateway.redis().isRunning()) {
      gateway.redis().restart();
    }
  }

  @Test
  void both_probes_answer_get_and_head_with_200_when_all_is_well() {
    for (String path : new String[] {"/health/live", "/health/ready"}) {
      HttpCalls.Reply get = awaitStatus(gateway.http(), path, 200);
      assertThat(get.headers().get("Content-Type")).isEqualTo("application/json");
      assertThat(get.json().getString("status")).isEqualTo("UP");
      HttpCalls.Reply head = gateway.http().request(HttpMethod.HEAD, path, Map.of());
      assertThat(head.status()).as("HEAD " + path).isEqualTo(200);
      assertThat(head.body().length()).as("HEAD has no body").isZero();
    }
    JsonObject ready = gateway.http().get("/health/ready").json();
    assertThat(ready.getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("id")))
        .containsExactlyInAnyOrder("http", "cluster", "history", "presence", "draining");
    assertThat(gateway.http().get("/health/live").json().getJsonArray("checks").getJsonObject(0)
        .getJsonObject("data").getInteger("checked")).as("event loops checked").isPositive();
  }

  @Test
  void ready_turns_503_while_redis_is_down_and_back_when_it_returns_while_live_stays_200() {
    awaitStatus(gateway.http(), "/health/ready", 200);
    gateway.redis().stop();

    HttpCalls.Reply notReady = awaitStatus(gateway.http(), "/health/ready", 503);
    assertThat(notReady.headers().get("Retry-After")).isEqualTo("5");
    assertThat(notReady.json().getString("status")).isEqualTo("DOWN");
    assertThat(check(notReady.json(), "history").getString("status")).isEqualTo("DOWN");
    assertThat(check(notReady.json(), "http").getString("status")).isEqualTo("UP");
    assertThat(gateway.http().request(HttpMethod.HEAD, "/health/ready", Map.of()).status()).isEqualTo(503);
    assertThat(gateway.http().get("/health/live").status()).isEqualTo(200);
    // the old endpoint keeps its meaning: degraded, but still serving
    assertThat(gateway.http().get("/health").status()).isEqualTo(200);
    assertThat(gateway.http().get("/health").json().getString("status")).isEqualTo("DEGRADED");

    gateway.redis().restart();
    awaitStatus(gateway.http(), "/health/ready", 200);
  }

  @Test
  void ready_turns_503_while_the_node_drains_and_live_stays_200() {
    Gateway draining = TestGateways.start("GATEWAY_HTTP_DRAIN_MS", "2000");
    int port = draining.httpPort();
    try (HttpCalls http = new HttpCalls(port);
         SseClient client = SseClient.open(gateway.clients(), port, "/sse?channel=chat:probes")) {
      client.await(e -> e.type().equals("subscribed"));
      awaitStatus(http, "/health/ready", 200);

      // a client is connected, so the drain waits out its window: the probes are asked meanwhile
      Future<Void> stopping = draining.stop();
      HttpCalls.Reply notReady = awaitStatus(http, "/health/ready", 503);
      assertThat(notReady.headers().get("Retry-After")).isEqualTo("5");
      assertThat(check(notReady.json(), "draining").getString("status")).isEqualTo("DOWN");
      assertThat(http.request(HttpMethod.HEAD, "/health/ready", Map.of()).status()).isEqualTo(503);
      assertThat(http.get("/health/live").status()).isEqualTo(200);
      assertThat(http.request(HttpMethod.HEAD, "/health/live", Map.of()).status()).isEqualTo(200);
      assertThat(http.get("/health").status()).isEqualTo(503);
      WsClient.await(stopping);
    }
  }

  @Test
  void a_clustered_edge_node_is_ready_while_it_reaches_the_core_tiers_not_while_alone_and_again_once_joined() {
    String name = "rtgw-probes-" + UUID.randomUUID();
    int portA = Ports.free();
    int portB = Ports.free();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    Gateway core = WsClient.await(Gateway.start(TestGateways.clustered(name, portA, members, true)));
    Gateway edge = null;
    try {
      edge = WsClient.await(Gateway.start(TestGateways.clustered(name, portB, members, false)));
      try (HttpCalls http = new HttpCalls(edge.httpPort())) {
        HttpCalls.Reply ready = awaitStatus(http, "/health/ready", 200);
        JsonObject cluster = check(ready.json(), "cluster");
        assertThat(cluster.getJsonObject("data").getBoolean("clustered")).isTrue();
        assertThat(cluster.getJsonObject("data").getInteger("members")).isEqualTo(2);

        WsClient.await(core.stop());
        core = null;
        HttpCalls.Reply alone = awaitStatus(http, "/health/ready", 503);
        assertThat(check(alone.json(), "history").getJsonObject("data").getBoolean("reachable")).isFalse();
        assertThat(check(alone.json(), "presence").getString("status")).isEqualTo("DOWN");
        assertThat(http.get("/health/live").status()).isEqualTo(200);
        // its member list names a peer: alone, it is cut off or everyone else is gone, and says so
        HttpCalls.Reply split = Eventually.eventually(WsClient.TIMEOUT, () -> {
          HttpCalls.Reply r = http.get("/health/ready");
          assertThat(check(r.json(), "cluster").getJsonObject("data").getBoolean("alone", false)).isTrue();
          return r;
        });
        assertThat(split.status()).isEqualTo(503);
        assertThat(split.headers().get("Retry-After")).isEqualTo("5");
        assertThat(check(split.json(), "cluster").getString("status")).isEqualTo("DOWN");
        assertThat(check(split.json(), "cluster").getJsonObject("data").getInteger("members")).isEqualTo(1);

        core = WsClient.await(Gateway.start(TestGateways.clustered(name, portA, members, true)));
        HttpCalls.Reply healed = awaitStatus(http, "/health/ready", 200);
        assertThat(check(healed.json(), "cluster").getJsonObject("data").getInteger("members")).isEqualTo(2);
        assertThat(check(healed.json(), "cluster").getJsonObject("data").containsKey("alone")).isFalse();
      }
    } finally {
      if (edge != null) {
        WsClient.await(edge.stop());
      }
      if (core != null) {
        WsClient.await(core.stop());
      }
    }
  }

  private static HttpCalls.Reply awaitStatus(HttpCalls http, String path, int status) {
    return Eventually.eventually(WsClient.TIMEOUT, () -> {
      HttpCalls.Reply r = http.get(path);
      assertThat(r.status()).as(path).isEqualTo(status);
      return r;
    });
  }

  private static JsonObject check(JsonObject result, String id) {
    return result.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> id.equals(c.getString("id"))).findFirst().orElseThrow();
  }
}
