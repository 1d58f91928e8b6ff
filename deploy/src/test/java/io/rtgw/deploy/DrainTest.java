package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A stopping node drains: 503 health, no new clients, reconnect hints spread over the window, then 1001. */
class DrainTest {

  private static Vertx clients;

  @BeforeAll
  static void start() {
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    WsClient.await(clients.close());
  }

  @Test
  void clients_are_told_to_reconnect_within_the_window_then_closed_with_1001() {
    Gateway gateway = TestGateways.start("GATEWAY_HTTP_DRAIN_MS", "1500");
    int port = gateway.httpPort();
    List<WsClient> connected = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      connected.add(WsClient.connect(clients, port, null));
    }
    connected.forEach(c -> c.request(new JsonObject().put("type", "ping")));

    long started = System.currentTimeMillis();
    Future<Void> stopping = gateway.stop();

    List<Long> hints = new ArrayList<>();
    for (WsClient c : connected) {
      JsonObject hint = c.await(f -> "reconnect".equals(f.getString("type")));
      hints.add(hint.getLong("after_ms"));
    }
    assertThat(hints).allSatisfy(ms -> assertThat(ms).isBetween(0L, 1499L));
    assertThat(hints.stream().distinct().count()).as("hints are jittered").isGreaterThan(1);

    // while draining the node says so and takes no one new
    try (HttpCalls http = new HttpCalls(port)) {
      HttpCalls.Reply health = http.get("/health");
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().getString("status")).isEqualTo("DRAINING");
    }
    var refused = clients.createWebSocketClient().connect(port, "127.0.0.1", "/ws").toCompletionStage().toCompletableFuture();
    assertThat(refused).failsWithin(WsClient.TIMEOUT).withThrowableThat().havingCause()
        .isInstanceOf(io.vertx.core.http.UpgradeRejectedException.class)
        .satisfies(e -> assertThat(((io.vertx.core.http.UpgradeRejectedException) e).getStatus()).isEqualTo(503));

    for (WsClient c : connected) {
      assertThat(c.awaitClose()).isEqualTo((short) 1001);
    }
    WsClient.await(stopping);
    assertThat(System.currentTimeMillis() - started).isGreaterThanOrEqualTo(1400);
    connected.forEach(WsClient::close);
  }
}
