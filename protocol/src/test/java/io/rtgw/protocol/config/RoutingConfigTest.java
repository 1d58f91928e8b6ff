package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingConfigTest {

  @Test
  void a_namespace_is_routed_per_channel_unless_configured_and_the_shipped_user_namespace_per_node() {
    assertThat(GatewayConfig.defaults().namespaceOf("x").routing()).isEqualTo("channel");
    assertThat(GatewayConfig.defaults().namespaceOf("x").nodeRouted()).isFalse();
    GatewayConfig shipped = ConfigLoader.load("../conf/standalone.json", Map.of());
    assertThat(shipped.namespaceOf("user:alice").nodeRouted()).isTrue();
    assertThat(shipped.namespaceOf("chat:lobby").nodeRouted()).isFalse();
    GatewayConfig overridden = ConfigLoader.load("../conf/standalone.json", Map.of("GATEWAY_NAMESPACES_CHAT_ROUTING", "node"));
    assertThat(overridden.namespaceOf("chat:lobby").nodeRouted()).isTrue();
  }

  @Test
  void an_unknown_routing_is_refused_with_a_sentence() {
    JsonObject json = new JsonObject().put("namespaces", new JsonObject().put("chat", new JsonObject().put("routing", "shard")));
    assertThatThrownBy(() -> GatewayConfig.fromJson(json))
        .isInstanceOf(ConfigException.class)
        .hasMessage("namespaces.*.routing must be \"channel\" or \"node\", not \"shard\".");
  }

  @Test
  void the_route_lease_and_batch_follow_their_variables_and_ranges() {
    GatewayConfig c = ConfigLoader.load("../conf/standalone.json", Map.of("GATEWAY_DELIVERY_ROUTE_LEASE_MS", "1000",
        "GATEWAY_DELIVERY_ROUTE_BATCH_MS", "20"));
    assertThat(c.delivery().routeLeaseMs()).isEqualTo(1000);
    assertThat(c.delivery().routeLeaseTtlMs()).isEqualTo(3000);
    assertThat(c.delivery().routeBatchMs()).isEqualTo(20);
    assertThat(GatewayConfig.defaults().delivery().routeLeaseMs()).isEqualTo(5000);
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("delivery", new JsonObject().put("routeLeaseMs", 5))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("delivery.routeLeaseMs must be between 100 and 600000, not 5.");
  }
}
