package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.Eventually;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} after a scripted session: the counters moved by exactly what the session did,
 * and the gauges came back when it ended. Read as deltas, since one test JVM runs many gateways into the
 * one process registry.
 */
class MetricsGatewayTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone();

  @Test
  void the_counters_move_by_exactly_what_a_session_did() {
    Map<String, Double> before = scrape();
    String channel = "chat:metrics";
    try (WsClient reader = WsClient.connect(gateway.clients(), gateway.port(), null);
         WsClient writer = WsClient.connect(gateway.clients(), gateway.port(), null);
         SseClient sse = SseClient.open(gateway.clients(), gateway.port(), "/sse?channel=" + channel)) {
      JsonObject sub = reader.subscribe(channel);
      sse.await(e -> e.type().equals("subscribed"));
      for (int i = 0; i < 3; i++) {
        assertThat(writer.publish(channel, i).getString("type")).isEqualTo("published");
      }
      assertThat(writer.publish("nope:x", 1).getString("code")).isEqualTo("bad_request");
      reader.awaitMessages(channel, 3);
      sse.awaitMessages(3);
      try (WsClient resumer = WsClient.connect(gateway.clients(), gateway.port(), null)) {
        resumer.subscribe(channel, sub.getString("epoch"), sub.getLong("offset"));
        resumer.awaitMessages(channel, 3);

        Map<String, Double> during = scrape();
        assertThat(delta(before, during, "rtgw_publishes_total{result=\"ok\"}")).isEqualTo(3);
        assertThat(delta(before, during, "rtgw_publishes_total{result=\"bad_request\"}")).isEqualTo(1);
        assertThat(delta(before, during, "rtgw_deliveries_total{transport=\"ws\"}"))
            .as("3 live to the reader, 3 replayed to the resumer").isEqualTo(6);
        assertThat(delta(before, during, "rtgw_deliveries_total{transport=\"sse\"}")).isEqualTo(3);
        assertThat(delta(before, during, "rtgw_resumes_total{recovered=\"true\"}")).isEqualTo(1);
        assertThat(delta(before, during, "rtgw_delivery_latency_seconds_count")).as("once per message and node")
            .isEqualTo(3);
        assertThat(delta(before, during, "rtgw_connections{transport=\"ws\"}")).isEqualTo(3);
        assertThat(delta(before, during, "rtgw_connections{transport=\"sse\"}")).isEqualTo(1);
        assertThat(delta(before, during, "rtgw_subscriptions")).isEqualTo(3);
        assertThat(delta(before, during, "rtgw_connections_opened_total{transport=\"ws\"}")).isEqualTo(3);
      }
    }
    // everything it held is given back
    Eventually.eventually(WsClient.TIMEOUT, () -> {
      Map<String, Double> after = scrape();
      assertThat(delta(before, after, "rtgw_connections{transport=\"ws\"}")).isZero();
      assertThat(delta(before, after, "rtgw_connections{transport=\"sse\"}")).isZero();
      assertThat(delta(before, after, "rtgw_subscriptions")).isZero();
      assertThat(after.keySet()).noneMatch(k -> k.startsWith("vertx_eventbus"));
      assertThat(after.keySet()).noneMatch(k -> k.contains("chat:metrics"));
    });
  }

  private static Map<String, Double> scrape() {
    String text = gateway.http().get("/metrics").text();
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return out;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
    assertThat(after).as("series " + series).containsKey(series);
    return after.get(series) - before.getOrDefault(series, 0.0);
  }
}
