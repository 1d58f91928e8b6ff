package io.rtgw.connection;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a current cluster member serves a bus address, read from the cluster's subscription registry,
 * and answered from the registry's last answer when it is slow. Hazelcast's registry is a distributed map:
 * right after a member leaves, a read can wait on partitions still being promoted for far longer than
 * any request may wait (a frozen core that was the cluster's master left a survivor's read hanging past
 * the 25 s request timeout in FrozenCoreIT). Registrations only come with members, and the membership
 * list is local, so the last answer with the departed filtered out is a sound stand-in for a while. One
 * per verticle, used on its event loop only.
 */
final class Registrations {

  /** How long a read may take before the last answer stands in for it. */
  static final long PATIENCE_MS = 1_000;
  /** How old a remembered answer may grow before {@link #warm} reads the registry again. */
  static final long REFRESH_MS = 10_000;

  private final Vertx vertx;
  private final ClusterManager manager;
  private final long patienceMs;
  private final Map<String, Known> known = new HashMap<>();
  private final Map<String, Future<List<RegistrationInfo>>> reading = new HashMap<>();

  private record Known(List<RegistrationInfo> registrations, long readAt) {
  }

  Registrations(Vertx vertx, ClusterManager manager) {
    this(vertx, manager, PATIENCE_MS);
  }

  Registrations(Vertx vertx, ClusterManager manager, long patienceMs) {
    this.vertx = vertx;
    this.manager = manager;
    this.patienceMs = patienceMs;
  }

  /**
   * Whether a current member serves {@code address}: the registry's answer if it comes within the
   * patience, else the last one remembered, judged against the members now; with nothing remembered,
   * the registry's answer whenever it comes.
   */
  Future<Boolean> served(String address) {
    Promise<Boolean> served = Promise.promise();
    Future<List<RegistrationInfo>> read = read(address);
    long timer = vertx.setTimer(patienceMs, id -> {
      Known k = known.get(address);
      if (k != null) {
        served.tryComplete(servedByAMember(manager, k.registrations()));
      }
    });
    read.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        served.tryComplete(servedByAMember(manager, ar.result()));
      } else {
        served.tryFail(ar.cause());
      }
    });
    return served.future();
  }

  /** Reads {@code address}'s registrations in the background if nothing fresh is remembered of it. */
  void warm(String address) {
    Known k = known.get(address);
    if (k == null || System.currentTimeMillis() - k.readAt() > REFRESH_MS) {
      read(address);
    }
  }

  /**
   * One read of an address at a time: a registry that hangs would otherwise gather a read per caller,
   * each holding a worker thread of the cluster manager.
   */
  private Future<List<RegistrationInfo>> read(String address) {
    Future<List<RegistrationInfo>> current = reading.get(address);
    if (current != null) {
      return current;
    }
    // completed on the cluster manager's thread; its callbacks must run on this verticle's
    Promise<List<RegistrationInfo>> registrations = ((ContextInternal) vertx.getOrCreateContext()).promise();
    manager.getRegistrations(address, registrations);
    Future<List<RegistrationInfo>> read = registrations.future().andThen(ar -> {
      reading.remove(address);
      if (ar.succeeded()) {
        known.put(address, new Known(List.copyOf(ar.result()), System.currentTimeMillis()));
      }
    });
    reading.put(address, read);
    return read;
  }

  /**
   * Whether one of {@code registrations} belongs to a current member. The departed member's own entries
   * linger in the registry until a survivor has removed them, which happens after the departure is
   * announced: counting them would keep a request to a dead tier waiting.
   */
  static boolean servedByAMember(ClusterManager manager, List<RegistrationInfo> registrations) {
    if (registrations.isEmpty()) {
      return false;
    }
    List<String> members = manager.getNodes();
    return registrations.stream().anyMatch(r -> members.contains(r.nodeId()));
  }
}
