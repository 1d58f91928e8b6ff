package io.rtgw.deploy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.rtgw.protocol.config.ClusterConfig;
import io.rtgw.protocol.config.ConfigException;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the Hazelcast cluster manager from conf/cluster.xml (so the maps Vert.x needs are kept) and
 * sets only what varies per member or deployment: interface, port, the TCP-IP member list and failure
 * detection (heartbeat interval, how long a silent member lives) and how often a member that was cut
 * off looks for the cluster to merge back into.
 */
final class ClusterFactory {

  static final String HEARTBEAT_INTERVAL_SECONDS = "hazelcast.heartbeat.interval.seconds";
  static final String MAX_NO_HEARTBEAT_SECONDS = "hazelcast.max.no.heartbeat.seconds";
  static final String MERGE_FIRST_RUN_DELAY_SECONDS = "hazelcast.merge.first.run.delay.seconds";
  static final String MERGE_NEXT_RUN_DELAY_SECONDS = "hazelcast.merge.next.run.delay.seconds";

  private ClusterFactory() {
  }

  static HazelcastClusterManager create(ClusterConfig cluster) {
    return new HazelcastClusterManager(hazelcastConfig(cluster));
  }

  /** conf/cluster.xml with this member's settings applied. */
  static Config hazelcastConfig(ClusterConfig cluster) {
    Config hz = load(cluster.configFile());
    // failure detection comes from the gateway configuration, so that an operator tunes it per deployment
    // with GATEWAY_CLUSTER_* like everything else; these override whatever the file says
    hz.setProperty(HEARTBEAT_INTERVAL_SECONDS, String.valueOf(cluster.heartbeatIntervalSeconds()));
    hz.setProperty(MAX_NO_HEARTBEAT_SECONDS, String.valueOf(cluster.maxNoHeartbeatSeconds()));
    // a member that was cut off forms a cluster of its own and rejoins only when the split-brain check
    // finds the others: at Hazelcast's 300 s / 120 s it stayed apart for minutes, serving nobody
    hz.setProperty(MERGE_FIRST_RUN_DELAY_SECONDS, String.valueOf(cluster.mergeDelaySeconds()));
    hz.setProperty(MERGE_NEXT_RUN_DELAY_SECONDS, String.valueOf(cluster.mergeDelaySeconds()));
    hz.setClusterName(cluster.name());
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cluster.port()).setPortAutoIncrement(true);
    net.getInterfaces().setEnabled(true).clear().addInterface(cluster.host());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetesServiceDns().isEmpty()) {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    } else {
      // DNS lookup mode: the headless Service's A records are the members, no API access needed
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesServiceDns())
          .setProperty("service-port", String.valueOf(cluster.port()));
    }
    return hz;
  }

  /**
   * Reads the Hazelcast configuration: a file, or with {@code classpath:} a resource (the jar packs
   * {@code cluster.xml}). A file that is not there is refused, never replaced by the packed copy: an
   * operator who names a file means that file.
   */
  static Config load(String file) {
    try {
      if (file.startsWith(ClusterConfig.CLASSPATH_PREFIX)) {
        String resource = file.substring(ClusterConfig.CLASSPATH_PREFIX.length());
        try (InputStream in = ClusterFactory.class.getClassLoader().getResourceAsStream(resource)) {
          if (in == null) {
            throw new ConfigException("The cluster configuration " + file + " is not in the jar (cluster.configFile).");
          }
          return new XmlConfigBuilder(in).build();
        }
      }
      Path path = Path.of(file);
      if (!Files.isRegularFile(path)) {
        throw new ConfigException("The cluster configuration file " + path.toAbsolutePath() + " does not exist"
            + " (cluster.configFile; " + ClusterConfig.CLASSPATH_PREFIX + "cluster.xml uses the copy in the jar).");
      }
      try (InputStream in = Files.newInputStream(path)) {
        return new XmlConfigBuilder(in).build();
      }
    } catch (IOException e) {
      throw new ConfigException("The cluster configuration " + file + " could not be read: " + e.getMessage());
    } catch (RuntimeException e) {
      if (e instanceof ConfigException) {
        throw e;
      }
      throw new ConfigException("The cluster configuration " + file + " is not valid: " + e.getMessage());
    }
  }
}
