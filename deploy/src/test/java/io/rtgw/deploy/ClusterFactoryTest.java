package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import io.rtgw.protocol.config.ClusterConfig;
import io.rtgw.protocol.config.ConfigException;
import io.rtgw.protocol.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What ClusterFactory takes from conf/cluster.xml and what it sets from the gateway configuration. */
class ClusterFactoryTest {

  private static ClusterConfig cluster(String... envPairs) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("GATEWAY_CLUSTER_CONFIG_FILE", "../conf/cluster.xml"));
    for (int i = 0; i < envPairs.length; i += 2) {
      env.put(envPairs[i], envPairs[i + 1]);
    }
    return ConfigLoader.load("../conf/connection.json", env).cluster();
  }

  @Test
  void a_silent_member_is_declared_dead_within_seconds_by_default() {
    Config hz = ClusterFactory.hazelcastConfig(cluster());
    assertThat(hz.getProperty(ClusterFactory.HEARTBEAT_INTERVAL_SECONDS)).isEqualTo("1");
    assertThat(hz.getProperty(ClusterFactory.MAX_NO_HEARTBEAT_SECONDS)).isEqualTo("5");
  }

  @Test
  void failure_detection_is_set_from_the_gateway_configuration() {
    Config hz = ClusterFactory.hazelcastConfig(cluster("GATEWAY_CLUSTER_HEARTBEAT_INTERVAL_SECONDS", "2",
        "GATEWAY_CLUSTER_MAX_NO_HEARTBEAT_SECONDS", "9"));
    assertThat(hz.getProperty(ClusterFactory.HEARTBEAT_INTERVAL_SECONDS)).isEqualTo("2");
    assertThat(hz.getProperty(ClusterFactory.MAX_NO_HEARTBEAT_SECONDS)).isEqualTo("9");
  }

  @Test
  void a_member_that_was_cut_off_looks_for_the_cluster_every_few_seconds() {
    Config byDefault = ClusterFactory.hazelcastConfig(cluster());
    assertThat(byDefault.getProperty(ClusterFactory.MERGE_FIRST_RUN_DELAY_SECONDS)).isEqualTo("2");
    assertThat(byDefault.getProperty(ClusterFactory.MERGE_NEXT_RUN_DELAY_SECONDS)).isEqualTo("2");
    Config set = ClusterFactory.hazelcastConfig(cluster("GATEWAY_CLUSTER_MERGE_DELAY_SECONDS", "7"));
    assertThat(set.getProperty(ClusterFactory.MERGE_NEXT_RUN_DELAY_SECONDS)).isEqualTo("7");
    assertThatThrownBy(() -> cluster("GATEWAY_CLUSTER_MERGE_DELAY_SECONDS", "0"))
        .hasMessage("cluster.mergeDelaySeconds must be between 1 and 3600, not 0.");
  }

  @Test
  void a_detection_window_shorter_than_two_heartbeats_is_refused() {
    assertThatThrownBy(() -> cluster("GATEWAY_CLUSTER_HEARTBEAT_INTERVAL_SECONDS", "3",
        "GATEWAY_CLUSTER_MAX_NO_HEARTBEAT_SECONDS", "5"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be at least twice cluster.heartbeatIntervalSeconds");
  }

  @Test
  void the_member_settings_and_the_vertx_maps_come_through() {
    Config hz = ClusterFactory.hazelcastConfig(cluster("GATEWAY_CLUSTER_NAME", "east", "GATEWAY_CLUSTER_PORT", "5801",
        "GATEWAY_CLUSTER_MEMBERS", "10.0.0.1:5801,10.0.0.2:5801"));
    assertThat(hz.getClusterName()).isEqualTo("east");
    assertThat(hz.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("10.0.0.1:5801", "10.0.0.2:5801");
    assertThat(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(hz.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  void the_packed_copy_is_used_only_when_asked_for() {
    assertThat(ClusterFactory.load(ClusterConfig.CLASSPATH_PREFIX + "cluster.xml").getMultiMapConfigs()).containsKey("__vertx.subs");
    assertThatThrownBy(() -> ClusterFactory.load("no/such/cluster.xml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ClusterFactory.load(ClusterConfig.CLASSPATH_PREFIX + "nothing.xml"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is not in the jar");
  }

  @Test
  void a_headless_service_name_switches_discovery_from_the_member_list_to_kubernetes_dns() {
    Config hz = ClusterFactory.hazelcastConfig(cluster("GATEWAY_CLUSTER_KUBERNETES_SERVICE_DNS", "rtgw-members.prod.svc.cluster.local"));
    assertThat(hz.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isFalse();
    assertThat(hz.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isTrue();
    assertThat(hz.getNetworkConfig().getJoin().getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("rtgw-members.prod.svc.cluster.local");
    assertThat(hz.getNetworkConfig().getJoin().getKubernetesConfig().getProperty("service-port")).isEqualTo("5701");
    assertThat(ClusterFactory.hazelcastConfig(cluster()).getNetworkConfig().getJoin().getKubernetesConfig().isEnabled()).isFalse();
  }
}
