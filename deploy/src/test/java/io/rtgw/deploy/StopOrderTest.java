package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A process that runs every tier stops its connection tier first: during the drain window its own
 * clients still publish and read history, because fanout, history and presence stop only after it.
 */
class StopOrderTest {

  private static final long WINDOW_MS = 3_000;
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
  void during_the_drain_a_connected_client_still_publishes_and_reads_history() {
    Gateway gateway = TestGateways.start("GATEWAY_HTTP_DRAIN_MS", String.valueOf(WINDOW_MS));
    int port = gateway.httpPort();
    String channel = "chat:stop-order";
    try (WsClient alice = WsClient.connect(clients, port, "user=alice"); HttpCalls http = new HttpCalls(port)) {
      alice.subscribe(channel);
      long before = alice.publish(channel, "before").getLong("offset");

      long stopAt = System.currentTimeMillis();
      Future<Void> stopping = gateway.stop();
      assertThat(http.get("/health").status()).as("the node is draining").isEqualTo(503);

      JsonObject published = alice.publish(channel, "during the drain");
      assertThat(published.getString("type")).as(published.encode()).isEqualTo("published");
      assertThat(published.getLong("offset")).isEqualTo(before + 1);
      assertThat(alice.awaitMessages(channel, 2)).extracting(m -> m.getString("data"))
          .containsExactly("before", "during the drain");
      JsonObject history = alice.request(new JsonObject().put("type", "history").put("channel", channel));
      assertThat(history.getString("type")).as(history.encode()).isNotEqualTo("error");
      assertThat(history.getJsonArray("messages")).hasSize(2);
      assertThat(System.currentTimeMillis() - stopAt).as("all of it within the window").isLessThan(WINDOW_MS);

      WsClient.await(stopping);
      assertThat(System.currentTimeMillis() - stopAt).as("the stop waited for the drain").isGreaterThanOrEqualTo(WINDOW_MS - 100);
    }
  }
}
