package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.protocol.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  private static ClusterConfig cluster(String host, int port, List<String> members, String dns) {
    return new ClusterConfig(true, null, null, host, port, members, null, null, null, null, null, dns, null);
  }

  @Test
  void a_member_expects_peers_when_its_list_names_another_member_or_discovery_is_on() {
    assertThat(cluster("127.0.0.1", 5701, List.of("127.0.0.1"), null).expectsPeers()).isFalse();
    assertThat(cluster("127.0.0.1", 5701, List.of("127.0.0.1:5701"), null).expectsPeers()).isFalse();
    assertThat(cluster("127.0.0.1", 5701, List.of("127.0.0.1:5701", "127.0.0.1:5702"), null).expectsPeers()).isTrue();
    assertThat(cluster("10.0.0.7", 5701, List.of("10.0.0.8"), null).expectsPeers()).isTrue();
    assertThat(cluster("10.0.0.7", 5701, List.of("10.0.0.7"), "rtgw-members.default.svc").expectsPeers()).isTrue();
    assertThat(ClusterConfig.defaults().expectsPeers()).as("not clustered").isFalse();
  }

  @Test
  void the_healing_settings_have_defaults_environment_names_and_bounds() {
    GatewayConfig defaults = GatewayConfig.defaults();
    assertThat(defaults.cluster().mergeDelaySeconds()).isEqualTo(ClusterConfig.DEFAULT_MERGE_DELAY_SECONDS);
    assertThat(defaults.delivery().outageNoticeMs()).isEqualTo(DeliveryConfig.DEFAULT_OUTAGE_NOTICE_MS);
    assertThat(defaults.delivery().outageReconnectWindowMs()).isEqualTo(DeliveryConfig.DEFAULT_OUTAGE_RECONNECT_WINDOW_MS);

    ObjectNode tree = Json.MAPPER.valueToTree(defaults);
    ConfigLoader.applyEnv(tree, ConfigLoader.ENV_PREFIX, Map.of(
        "GATEWAY_CLUSTER_MERGE_DELAY_SECONDS", "9",
        "GATEWAY_DELIVERY_OUTAGE_NOTICE_MS", "0",
        "GATEWAY_DELIVERY_OUTAGE_RECONNECT_WINDOW_MS", "250"));
    GatewayConfig set = ConfigLoader.bind(tree, "test");
    assertThat(set.cluster().mergeDelaySeconds()).isEqualTo(9);
    assertThat(set.delivery().outageNoticeMs()).isZero();
    assertThat(set.delivery().outageReconnectWindowMs()).isEqualTo(250);

    assertThatThrownBy(() -> new DeliveryConfig(null, null, null, null, null, null, null, null, null, -1L, null, null, null))
        .hasMessage("delivery.outageNoticeMs must be between 0 and 3600000, not -1.");
  }
}
