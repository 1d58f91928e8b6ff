package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.config.ConfigException;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code metrics.port}: {@code /metrics} and the probes move to a port of their own and off the client
 * port; a process without the connection tier serves its tiers' metrics there; the same port as
 * {@code http.port} is refused with a sentence.
 */
class ManagementPortTest {

  private static final int MANAGEMENT = Ports.free();

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_METRICS_PORT", String.valueOf(MANAGEMENT));

  @Test
  void metrics_and_probes_answer_on_the_management_port_and_no_longer_on_the_client_port() {
    try (HttpCalls management = new HttpCalls(MANAGEMENT)) {
      assertThat(gateway.ws(null).publish("chat:mgmt", 1).getString("type")).isEqualTo("published");
      HttpCalls.Reply metrics = management.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.text()).contains("rtgw_publishes_total{result=\"ok\"}", "rtgw_history_appends_total");
      assertThat(management.get("/health/live").status()).isEqualTo(200);
      assertThat(management.get("/health/ready").json().getString("status")).isEqualTo("UP");
      HttpCalls.Reply other = management.get("/ws");
      assertThat(other.status()).isEqualTo(404);
      assertThat(other.json().getString("message")).contains("serves /metrics, /health/live and /health/ready only");

      for (String path : new String[] {"/metrics", "/health/live", "/health/ready"}) {
        assertThat(gateway.http().get(path).status()).as("client port " + path).isEqualTo(404);
      }
      assertThat(gateway.http().get("/health").status()).as("the old /health stays for its users").isEqualTo(200);
    }
  }

  @Test
  void a_process_without_the_connection_tier_serves_its_tiers_metrics_there() {
    int port = Ports.free();
    Gateway core = TestGateways.start("GATEWAY_METRICS_PORT", String.valueOf(port),
        "GATEWAY_ROLES_CONNECTION_ENABLED", "false");
    try (HttpCalls management = new HttpCalls(port)) {
      WsClient.await(core.vertx().eventBus().request(Addresses.PUBLISH,
          new JsonObject().put("channel", "feed:core").put("data", 1)));
      String text = management.get("/metrics").text();
      assertThat(text).contains("rtgw_fanout_requests_total{result=\"ok\",source=\"service\"}",
          "rtgw_history_appends_total{result=\"ok\"}", "rtgw_presence_entries");
      HttpCalls.Reply probe = management.get("/health/ready");
      assertThat(probe.status()).isEqualTo(404);
      assertThat(probe.json().getString("message")).contains("runs no connection tier");
    } finally {
      WsClient.await(core.stop());
    }
  }

  @Test
  void the_client_port_as_management_port_is_refused_with_a_sentence() {
    Assertions.assertThatThrownBy(() -> Gateway.validate(TestGateways.standalone(
            "GATEWAY_HTTP_PORT", "8080", "GATEWAY_METRICS_PORT", "8080")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("metrics.port must differ from http.port (both 8080): the management port keeps /metrics and"
            + " the probes off the client port.");
  }
}
