package io.rtgw.presence;

import io.rtgw.protocol.config.ClusterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

/**
 * This process's own view of the cluster's members, which the presence tier checks before it believes
 * anyone else about membership. A member that was frozen or partitioned comes back believing the others
 * are gone and says so; and until it merges back, the others no longer count it as a member, yet its
 * stale heartbeats still arrive. Acting on either would drop a healthy node's users or bring back a
 * departed node's clients as ghosts.
 */
final class MemberView {

  private final ClusterManager manager;
  private final ClusterConfig config;

  MemberView(Vertx vertx, ClusterConfig config) {
    this.manager = vertx.isClustered() && vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
    this.config = config;
  }

  /** Not clustered: every node is this one. Clustered: the cluster manager lists it. */
  boolean isMember(String node) {
    return manager == null || manager.getNodes().contains(node);
  }

  /**
   * Whether a departure notice for {@code node} is to be acted on: this member no longer sees it, and
   * this member is not itself alone where it expects peers (alone, it cannot tell "everyone else died"
   * from "I was cut off"; the entries' TTL takes care of real deaths then).
   */
  boolean agreesGone(String node) {
    if (manager == null) {
      return true;
    }
    if (!manager.isActive()) {
      return false;
    }
    java.util.List<String> nodes = manager.getNodes();
    if (nodes.contains(node)) {
      return false;
    }
    return !(nodes.size() <= 1 && config.expectsPeers());
  }
}
