package io.rtgw.deploy;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rtgw.protocol.config.MetricsConfig;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.IntSupplier;

/**
 * The process's view of its cluster: {@code rtgw_cluster_members}, the members its cluster manager sees
 * (1 when not clustered: the process is a cluster of one), and
 * {@code rtgw_cluster_membership_changes_total{change="joined|left"}}, the other members that joined or
 * left since this one started. Registered once per process, by the launcher, since the cluster manager
 * is the process's and not any tier's.
 */
final class ClusterMetrics {

  /**
   * Whose view the gauge reads: the registry keeps the first gauge of a name, so a later gateway in the
   * same JVM (tests start several) replaces the view instead of registering a gauge of its own.
   */
  private static volatile IntSupplier view = () -> 1;

  private ClusterMetrics() {
  }

  /** Registers the meters when metrics are on; {@code cluster} null when not clustered. */
  static void register(HazelcastClusterManager cluster) {
    MeterRegistry registry = BackendRegistries.getNow(MetricsConfig.REGISTRY);
    if (registry == null) {
      return;
    }
    // the member list is the cluster manager's local view: reading it at scrape time costs no network call
    view = cluster == null ? () -> 1 : () -> cluster.isActive() ? cluster.getNodes().size() : 0;
    Gauge.builder("rtgw_cluster_members", () -> view.getAsInt())
        .description("Cluster members this process sees, itself included (1 when not clustered)")
        .register(registry);
    Counter joined = changes(registry, "joined");
    Counter left = changes(registry, "left");
    if (cluster != null) {
      cluster.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent event) {
          joined.increment();
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
          left.increment();
        }
      });
    }
  }

  private static Counter changes(MeterRegistry registry, String change) {
    return Counter.builder("rtgw_cluster_membership_changes").tag("change", change)
        .description("Other members that joined or left the cluster since this process started").register(registry);
  }
}
