package io.rtgw.connection.session;

import io.rtgw.protocol.config.JwtConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The JWKS state of one node, shared by every connection-verticle instance of its deployment (in local
 * shared data under the deployment id, as {@link NodeLimits}): the last good key set, when it was fetched,
 * and the fetch in flight. So a node fetches the set once per refresh, and once per unknown {@code kid}
 * within the refetch bound, however many instances it runs; without it each instance fetched for itself.
 *
 * <p>The instance that decides to fetch does it on its own event loop with its own HTTP client; every
 * instance waiting for that fetch is told on its own event loop. The lock guards a few fields and is
 * never held across a call: no event loop waits on another.
 */
final class NodeJwks implements Shareable {

  /** One key set as fetched: what every instance builds its verifier from. */
  record KeySet(long version, List<JsonObject> keys, Set<String> kids) {
  }

  private record Waiter(Context context, Promise<Void> promise) {
  }

  private static final String MAP = "rtgw.connection.nodeJwks";

  private final String deployment;
  private final JwtConfig config;
  private volatile KeySet keySet = new KeySet(0, List.of(), Set.of());
  private boolean inFlight;
  private List<Waiter> waiters = new ArrayList<>();
  private long lastFetchNanos;
  private long lastSuccessNanos;
  private long fetches;
  private int holders;

  private NodeJwks(String deployment, JwtConfig config) {
    this.deployment = deployment;
    this.config = config;
  }

  /** The node's JWKS state for the deployment, created by its first instance; each caller leaves once. */
  static NodeJwks join(Vertx vertx, String deployment, JwtConfig config) {
    LocalMap<String, NodeJwks> map = vertx.sharedData().getLocalMap(MAP);
    return map.compute(deployment, (k, existing) -> {
      NodeJwks jwks = existing != null ? existing : new NodeJwks(deployment, config);
      synchronized (jwks) {
        jwks.holders++;
      }
      return jwks;
    });
  }

  void leave(Vertx vertx) {
    LocalMap<String, NodeJwks> map = vertx.sharedData().getLocalMap(MAP);
    map.computeIfPresent(deployment, (k, jwks) -> {
      synchronized (jwks) {
        return --jwks.holders <= 0 ? null : jwks;
      }
    });
  }

  KeySet keySet() {
    return keySet;
  }

  /** Fetches started on this node so far (each one a request to the key server). */
  synchronized long fetches() {
    return fetches;
  }

  /**
   * Completes, on the caller's event loop, when the keys for {@code kid} (may be null) are as current as
   * the refetch bound allows; {@code fetch} is the caller's own fetch, run if this call starts one: it
   * yields the usable keys, or null when the fetch failed (the last good set stays). Never fails.
   */
  Future<Void> keysFor(String kid, Supplier<Future<List<JsonObject>>> fetch) {
    Promise<Void> waiter = null;
    boolean start = false;
    synchronized (this) {
      KeySet now = keySet;
      boolean unknown = now.version() == 0 || (kid != null && !now.kids().contains(kid));
      if (inFlight) {
        if (!unknown) {
          return Future.succeededFuture();
        }
        waiter = await();
      } else {
        long nanos = System.nanoTime();
        boolean mayFetch = fetches == 0 || nanos - lastFetchNanos >= config.jwksMinRefetchMs() * 1_000_000;
        if (mayFetch && (unknown || nanos - lastSuccessNanos >= config.jwksRefreshMs() * 1_000_000)) {
          start = true;
          inFlight = true;
          fetches++;
          lastFetchNanos = nanos;
          if (unknown) {
            waiter = await();
          }
        }
      }
    }
    if (start) {
      fetch.get().onComplete(ar -> done(ar.succeeded() ? ar.result() : null));
    }
    return waiter == null ? Future.succeededFuture() : waiter.future();
  }

  private Promise<Void> await() {
    Promise<Void> promise = Promise.promise();
    waiters.add(new Waiter(Vertx.currentContext(), promise));
    return promise;
  }

  private void done(List<JsonObject> keys) {
    List<Waiter> told;
    synchronized (this) {
      if (keys != null) {
        Set<String> kids = new java.util.HashSet<>();
        for (JsonObject key : keys) {
          if (key.getString("kid") != null) {
            kids.add(key.getString("kid"));
          }
        }
        keySet = new KeySet(keySet.version() + 1, List.copyOf(keys), Set.copyOf(kids));
        lastSuccessNanos = System.nanoTime();
      }
      inFlight = false;
      told = waiters;
      waiters = new ArrayList<>();
    }
    for (Waiter w : told) {
      if (w.context() != null) {
        w.context().runOnContext(v -> w.promise().complete());
      } else {
        w.promise().complete();
      }
    }
  }
}
