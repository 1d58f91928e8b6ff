package io.rtgw.connection;

import io.rtgw.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this clustered connection node can reach the tiers its clients need: a history instance
 * that answers on the bus, and a fanout instance registered in the cluster. When neither comes back
 * for {@code noticeMs} (the tiers are down, or this node was cut off from the cluster: frozen,
 * partitioned), it calls {@code onOutage} once, so the clients are told to go elsewhere rather than
 * stay connected and unserved; it calls it again only after the tiers were back in between.
 *
 * <p>A history store that is down (Redis) does not count: history still answers, publishes fail fast
 * with {@code unavailable} and live delivery goes on, and every node shares that store, so moving the
 * clients would gain nothing.
 */
final class OutageWatch {

  private static final Logger LOG = LoggerFactory.getLogger(OutageWatch.class);

  private final Vertx vertx;
  private final ClusterManager manager;
  private final long noticeMs;
  private final Runnable onOutage;
  private final DeliveryOptions ping;
  private final long timer;
  /** When the tiers were last seen within reach, or -1 while they are and nothing is due. */
  private long unreachableSince = -1;
  private boolean noticed;
  private boolean checking;

  OutageWatch(Vertx vertx, long noticeMs, Runnable onOutage) {
    this.vertx = vertx;
    this.manager = ((VertxInternal) vertx).clusterManager();
    this.noticeMs = noticeMs;
    this.onOutage = onOutage;
    // checked a few times within the notice window, each check bounded by the time between two
    long every = Math.max(100, noticeMs / 4);
    this.ping = new DeliveryOptions().setSendTimeout(every);
    this.timer = vertx.setPeriodic(every, id -> check());
  }

  /** Whether history and fanout were out of reach at the last check. */
  boolean unreachable() {
    return unreachableSince >= 0;
  }

  /** Checks now, e.g. when a member left, instead of at the next tick. */
  void check() {
    if (checking) {
      return;
    }
    checking = true;
    reachable().onComplete(ar -> {
      checking = false;
      long now = System.currentTimeMillis();
      if (ar.succeeded() && ar.result()) {
        if (unreachableSince >= 0) {
          LOG.info("History and fanout are within reach again after {} ms", now - unreachableSince);
        }
        unreachableSince = -1;
        noticed = false;
        return;
      }
      if (unreachableSince < 0) {
        unreachableSince = now;
        // a moment without them is common (a member restarting, a probe timing out under load): the line
        // that matters is the notice itself
        LOG.info("No history or no fanout member within reach; clients are told to reconnect elsewhere in {} ms "
            + "unless they come back", noticeMs);
      }
      if (!noticed && now - unreachableSince >= noticeMs) {
        noticed = true;
        onOutage.run();
      }
    });
  }

  void close() {
    vertx.cancelTimer(timer);
  }

  private Future<Boolean> reachable() {
    Future<Boolean> history = vertx.eventBus().<JsonObject>request(Addresses.HISTORY_HEALTH, new JsonObject(), ping)
        .map(reply -> true)
        .otherwise(false);
    // completed on the cluster manager's thread; its callbacks must run on this verticle's
    Promise<List<RegistrationInfo>> fanout = ((io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext()).promise();
    manager.getRegistrations(Addresses.CLIENT_PUBLISH, fanout);
    Future<Boolean> registered = fanout.future().map(list -> PendingRequests.servedByAMember(manager, list)).otherwise(false);
    return Future.all(history, registered).map(all -> history.result() && registered.result());
  }
}
