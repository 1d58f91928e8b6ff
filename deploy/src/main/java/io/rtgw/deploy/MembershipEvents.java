package io.rtgw.deploy;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.LifecycleEvent;
import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.config.ClusterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this process's tiers must hear of the cluster's membership, turned into bus messages:
 * <ul>
 *   <li>a member left: its node id on {@link Addresses#NODE_LEFT}, so the presence tier drops that
 *   node's clients at once instead of waiting for their TTL (every surviving process publishes it; the
 *   presence tier acts on it only when its own view agrees);</li>
 *   <li>this member merged back after being cut off: {@link Addresses#CLUSTER_REJOINED}, to this
 *   process only, so its connection tier puts back the presence entries the others dropped and catches
 *   up its channels from history. Vert.x itself re-registers the bus consumers on the merge.</li>
 * </ul>
 * Hazelcast listeners are used because the Vert.x cluster manager takes one node listener only, and
 * Vert.x holds it; it also has no merge event.
 */
final class MembershipEvents {

  private static final Logger LOG = LoggerFactory.getLogger(MembershipEvents.class);
  /** The member attribute vertx-hazelcast keeps its node id in. */
  private static final String VERTX_NODE_ID_ATTRIBUTE = "__vertx.nodeId";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private MembershipEvents() {
  }

  static void install(Vertx vertx, HazelcastClusterManager manager, ClusterConfig config) {
    com.hazelcast.core.HazelcastInstance hz = manager.getHazelcastInstance();
    // one line when this member finds itself alone, not one per member it lost
    java.util.concurrent.atomic.AtomicBoolean alone = new java.util.concurrent.atomic.AtomicBoolean();
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        alone.set(false);
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        // Vert.x names members by this attribute, not by their Hazelcast UUID (which a merge changes)
        String node = event.getMember().getAttribute(VERTX_NODE_ID_ATTRIBUTE);
        if (node != null) {
          vertx.runOnContext(x -> vertx.eventBus().publish(Addresses.NODE_LEFT, node));
        }
        if (event.getMembers().size() == 1 && config.expectsPeers() && alone.compareAndSet(false, true)) {
          LOG.warn("Alone in cluster {}: every other member is gone or out of reach (this one may have been "
              + "frozen or partitioned); not ready until it merges back, its clients are told to reconnect "
              + "elsewhere after delivery.outageNoticeMs", config.name());
        }
      }
    });
    hz.getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
        LOG.info("Merging back into cluster {}", config.name());
      } else if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        alone.set(false);
        LOG.info("Merged back into cluster {} ({} members): putting back presence, catching up channels",
            config.name(), hz.getCluster().getMembers().size());
        vertx.runOnContext(x -> vertx.eventBus().publish(Addresses.CLUSTER_REJOINED, manager.getNodeId(), LOCAL));
      }
    });
  }
}
