package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
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
    var http = clients.createHttpClient();
    int[] status = new int[1];
    JsonObject health = WsClient.await(http.request(HttpMethod.GET, port, "127.0.0.1", "/health")
        .compose(r -> r.send()).compose(r -> {
          status[0] = r.statusCode();
          return r.body();
        })).toJsonObject();
    assertThat(status[0]).isEqualTo(503);
    assertThat(health.getString("status")).isEqualTo("DRAINING");
    int[] upgrade = new int[1];
    JsonObject refused = WsClient.await(http.request(HttpMethod.GET, port, "127.0.0.1", "/ws")
        .compose(r -> r.putHeader("Upgrade", "websocket").putHeader("Connection", "Upgrade")
            .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").putHeader("Sec-WebSocket-Version", "13").send())
        .compose(r -> {
          upgrade[0] = r.statusCode();
          return r.body();
        })).toJsonObject();
    assertThat(upgrade[0]).isEqualTo(503);
    assertThat(refused.getString("code")).isEqualTo("unavailable");

    for (WsClient c : connected) {
      assertThat(c.awaitClose()).isEqualTo((short) 1001);
    }
    WsClient.await(stopping);
    assertThat(System.currentTimeMillis() - started).isGreaterThanOrEqualTo(1400);
    connected.forEach(WsClient::close);
  }
}
