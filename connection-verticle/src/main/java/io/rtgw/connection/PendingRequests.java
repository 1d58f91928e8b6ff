package io.rtgw.connection;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
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

  private final ClusterManager manager;
  private final Registrations registrations;
  private final Map<String, Set<Promise<?>>> byAddress = new HashMap<>();

  PendingRequests(Vertx vertx) {
    this(vertx, vertx.isClustered() && vertx instanceof VertxInternal internal ? internal.clusterManager() : null,
        Registrations.PATIENCE_MS);
  }

  PendingRequests(Vertx vertx, ClusterManager manager, long patienceMs) {
    this.manager = manager;
    this.registrations = manager == null ? null : new Registrations(vertx, manager, patienceMs);
  }

  /** {@code sent}'s outcome, unless a departure fails it first. */
  <T> Future<T> track(String address, Future<T> sent) {
    if (manager == null) {
      return sent;
    }
    // what the registry says of the address is remembered, for a departure when the registry is slow
    registrations.warm(address);
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
   * A member left: fails what waits on an address no member serves any more, as the registry says or,
   * when it is slow to say, as it said last ({@link Registrations}).
   */
  void memberLeft() {
    if (manager == null) {
      return;
    }
    for (String address : new ArrayList<>(byAddress.keySet())) {
      registrations.served(address).onSuccess(served -> {
        if (served) {
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
