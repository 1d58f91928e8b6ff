package io.rtgw.connection;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bus requests of one connection verticle that await their answer, by address. When a cluster member
 * leaves, those whose address has no member left at all are failed at once as {@code NO_HANDLERS}: the
 * clustered bus had sent them to the departed member, and would otherwise let them wait out the whole
 * request timeout (5 s by default) for an answer that cannot come. Requests to an address that still
 * has members keep waiting: they may well have gone to a live one.
 */
final class PendingRequests {

  private final Vertx vertx;
  private final ClusterManager manager;
  private final Map<String, Set<Promise<?>>> byAddress = new HashMap<>();

  PendingRequests(Vertx vertx) {
    this.vertx = vertx;
    this.manager = vertx.isClustered() && vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
  }

  /** {@code sent}'s outcome, unless a departure fails it first. */
  <T> Future<T> track(String address, Future<T> sent) {
    if (manager == null) {
      return sent;
    }
    Promise<T> answer = Promise.promise();
    Set<Promise<?>> pending = byAddress.computeIfAbsent(address, a -> new LinkedHashSet<>());
    pending.add(answer);
    sent.onComplete(ar -> {
      pending.remove(answer);
      if (pending.isEmpty()) {
        byAddress.remove(address, pending);
      }
      if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        answer.tryFail(ar.cause());
      }
    });
    return answer.future();
  }

  int size() {
    return byAddress.values().stream().mapToInt(Set::size).sum();
  }

  /**
   * Whether one of {@code registrations} belongs to a current member. The departed member's own entries
   * linger in the cluster's subscription map until a survivor has removed them, which happens after the
   * departure is announced: counting them would keep a request to a dead tier waiting.
   */
  static boolean servedByAMember(ClusterManager manager, List<RegistrationInfo> registrations) {
    if (registrations.isEmpty()) {
      return false;
    }
    List<String> members = manager.getNodes();
    return registrations.stream().anyMatch(r -> members.contains(r.nodeId()));
  }

  /** A member left: fails what waits on an address no member serves any more. */
  void memberLeft() {
    if (manager == null) {
      return;
    }
    for (String address : new ArrayList<>(byAddress.keySet())) {
      // completed on the cluster manager's thread; its callbacks must run on this verticle's
      Promise<List<RegistrationInfo>> registrations = ((io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext()).promise();
      manager.getRegistrations(address, registrations);
      registrations.future().onSuccess(list -> {
        if (servedByAMember(manager, list)) {
          return;
        }
        Set<Promise<?>> pending = byAddress.remove(address);
        if (pending != null) {
          ReplyException gone = new ReplyException(ReplyFailure.NO_HANDLERS,
              "The last member serving " + address + " left the cluster");
          new ArrayList<>(pending).forEach(p -> p.tryFail(gone));
        }
      });
    }
  }
}
