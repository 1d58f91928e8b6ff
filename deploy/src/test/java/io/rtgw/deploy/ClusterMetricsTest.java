package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.testkit.Eventually;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code rtgw_cluster_members} and {@code rtgw_cluster_membership_changes_total} of a clustered gateway
 * as another member joins and leaves. The other member is a bare clustered Vert.x (no gateway), so the
 * meters read are the gateway's alone.
 */
class ClusterMetricsTest {

  @Test
  void members_and_changes_follow_a_member_that_joins_and_leaves() {
    String name = "rtgw-test-" + UUID.randomUUID();
    int portA = Ports.free();
    int portB = Ports.free();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    Gateway gateway = WsClient.await(Gateway.start(TestGateways.clustered(name, portA, members, true)));
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      Scrape before = Scrape.of(http, "/metrics");
      assertThat(before.value("rtgw_cluster_members")).isEqualTo(1);
      GatewayConfig other = TestGateways.clustered(name, portB, members, false);
      Vertx bare = WsClient.await(Vertx.builder().withClusterManager(ClusterFactory.create(other.cluster())).buildClustered());
      Eventually.eventually(Duration.ofSeconds(30), () -> {
        Scrape now = Scrape.of(http, "/metrics");
        assertThat(now.value("rtgw_cluster_members")).isEqualTo(2);
        assertThat(now.since(before, "rtgw_cluster_membership_changes_total{change=\"joined\"}")).isEqualTo(1);
      });
      WsClient.await(bare.close());
      Eventually.eventually(Duration.ofSeconds(30), () -> {
        Scrape now = Scrape.of(http, "/metrics");
        assertThat(now.value("rtgw_cluster_members")).isEqualTo(1);
        assertThat(now.since(before, "rtgw_cluster_membership_changes_total{change=\"left\"}")).isEqualTo(1);
      });
    } finally {
      WsClient.await(gateway.stop());
    }
  }
}
