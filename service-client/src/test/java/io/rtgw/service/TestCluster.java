package io.rtgw.service;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * Clustered Vertx instances on 127.0.0.1 as the gateway's members are: Hazelcast with Vert.x's maps,
 * TCP-IP join to a fixed member list, no multicast, a cluster name of the test's own.
 */
final class TestCluster {

  private TestCluster() {
  }

  static Vertx member(String name, int port, List<String> members) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(name);
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(port).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).clear().addInterface("127.0.0.1");
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    io.vertx.core.VertxOptions options = new io.vertx.core.VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    return Await.result(Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered());
  }
}
