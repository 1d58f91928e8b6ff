package io.rtgw.connection;

import io.rtgw.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code GET /health}. {@code UP} (200) when this node serves and its history tier answers;
 * {@code DEGRADED} (still 200) when history or its store is down: live delivery goes on and publishes
 * fail fast with {@code unavailable}, so the node must stay in the load balancer; {@code DRAINING}
 * (503) while the node shuts down, so new clients go elsewhere.
 */
public final class HealthCheck {

  /** A health check must answer quickly even when a tier does not. */
  static final long PROBE_TIMEOUT_MS = 1000;

  private final EventBus bus;
  /** The node's counters, every connection instance together. */
  private final Supplier<Future<JsonObject>> counters;
  private final Supplier<Boolean> draining;
  private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS);

  public HealthCheck(EventBus bus, Supplier<Future<JsonObject>> counters, Supplier<Boolean> draining) {
    this.bus = bus;
    this.counters = counters;
    this.draining = draining;
  }

  public void handle(RoutingContext ctx) {
    Future<JsonObject> counted = counters.get();
    Future.join(probeHistory(), counted).onComplete(both -> {
      String history = both.result() == null ? "unreachable" : both.result().resultAt(0);
      boolean isDraining = draining.get();
      String status = isDraining ? "DRAINING" : history.equals("up") ? "UP" : "DEGRADED";
      JsonObject body = new JsonObject().put("status", status).put("history", history);
      if (counted.succeeded()) {
        counted.result().forEach(e -> body.put(e.getKey(), e.getValue()));
      }
      ctx.response()
          .setStatusCode(isDraining ? 503 : 200)
          .putHeader("Content-Type", "application/json")
          .putHeader("Cache-Control", "no-store")
          .end(body.encode());
    });
  }

  /** "up", "down" (the tier answers, its store does not) or "unreachable" (no tier answers). */
  private Future<String> probeHistory() {
    return bus.<JsonObject>request(Addresses.HISTORY_HEALTH, new JsonObject(), options)
        .map(m -> m.body().getBoolean("healthy", false) ? "up" : "down")
        .otherwise("unreachable");
  }
}
