package io.rtgw.connection;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.rtgw.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The orchestrator's probes, {@code GET|HEAD /health/live} and {@code /health/ready}, on vertx-health-check.
 * Both answer {@code {"status":"UP"|"DOWN","checks":[{"id":..,"status":..,"data":{..}}],"outcome":..}}
 * with 200 when every check is up and 503 (with {@code Retry-After}) otherwise.
 *
 * <ul>
 *   <li>live: every event loop of this process runs a task within {@link #PROBE_TIMEOUT_MS}. A blocked
 *   loop fails it: the process cannot recover by itself, restarting it is the fix.</li>
 *   <li>ready: the HTTP server listens; when clustered, the cluster manager is joined; the history and
 *   presence tiers answer over the bus and their stores are reachable; the node is not draining. Any of
 *   them down: new clients are better served elsewhere.</li>
 * </ul>
 *
 * <p>{@code /health} ({@link HealthCheck}) stays as it was, for existing clients of it.
 */
final class Probes {

  /** A probe answers within its orchestrator's timeout (Kubernetes: 1 s by default) even when a tier does not. */
  static final long PROBE_TIMEOUT_MS = 900;
  /** Seconds: readiness is asked again every few seconds; a client told to retry does not need to wait longer. */
  static final String RETRY_AFTER_SECONDS = "5";

  private final Vertx vertx;
  private final HealthChecks live;
  private final HealthChecks ready;
  private final DeliveryOptions busOptions = new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS);

  private final boolean expectsPeers;

  /** {@code expectsPeers}: this member should have others beside it (cluster.members names others). */
  Probes(Vertx vertx, BooleanSupplier listening, BooleanSupplier draining, boolean expectsPeers) {
    this.vertx = vertx;
    this.expectsPeers = expectsPeers;
    live = HealthChecks.create(vertx).register("eventLoops", PROBE_TIMEOUT_MS, this::eventLoops);
    ready = HealthChecks.create(vertx)
        .register("http", p -> p.complete(new Status().setOk(listening.getAsBoolean())))
        .register("cluster", this::cluster)
        .register("history", PROBE_TIMEOUT_MS, p -> tier(Addresses.HISTORY_HEALTH, p))
        .register("presence", PROBE_TIMEOUT_MS, p -> tier(Addresses.PRESENCE_HEALTH, p))
        .register("draining", p -> p.complete(new Status().setOk(!draining.getAsBoolean())));
  }

  void route(Router router) {
    router.route("/health/live").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> answer(ctx, live));
    router.route("/health/ready").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> answer(ctx, ready));
  }

  private static void answer(RoutingContext ctx, HealthChecks checks) {
    checks.checkStatus().onComplete(ar -> {
      CheckResult result = ar.succeeded() ? ar.result() : CheckResult.from("probe", ar.cause());
      boolean up = CheckResult.isUp(result);
      if (!up) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
      }
      Buffer body = result.toJson().toBuffer();
      ctx.response()
          .setStatusCode(up ? 200 : 503)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
      if (ctx.request().method() == HttpMethod.HEAD) {
        // Vert.x drops a HEAD response's body on HTTP/1.1 only; over HTTP/2 it would send it, which
        // clients reject as a protocol error (curl: "stream was not closed cleanly: PROTOCOL_ERROR")
        ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.length())).end();
      } else {
        ctx.response().end(body);
      }
    });
  }

  /** Each event loop runs a no-op; the check is up when all have, within the probe timeout. */
  private void eventLoops(Promise<Status> promise) {
    if (!(vertx instanceof VertxInternal internal)) {
      promise.complete(Status.OK(new JsonObject().put("checked", 0)));
      return;
    }
    EventLoopGroup group = internal.nettyEventLoopGroup();
    List<Future<Void>> answered = new ArrayList<>();
    for (EventExecutor loop : group) {
      Promise<Void> ran = Promise.promise();
      loop.execute(ran::complete);
      answered.add(ran.future());
    }
    Future.all(answered)
        .timeout(PROBE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        // try, as in tier(): the procedure's own timeout may have completed it
        .onSuccess(v -> promise.tryComplete(Status.OK(new JsonObject().put("checked", answered.size()))))
        .onFailure(e -> promise.tryComplete(Status.KO(new JsonObject()
            .put("checked", answered.size())
            .put("answered", answered.stream().filter(Future::succeeded).count()))));
  }

  /**
   * Up when not clustered, or when the cluster manager is an active member that is not alone where it
   * expects peers (alone, it was cut off or everyone else is gone: either way it cannot serve); the
   * members seen as data.
   */
  private void cluster(Promise<Status> promise) {
    if (!vertx.isClustered()) {
      promise.complete(Status.OK(new JsonObject().put("clustered", false)));
      return;
    }
    ClusterManager manager = vertx instanceof VertxInternal internal ? internal.clusterManager() : null;
    if (manager == null) {
      promise.complete(Status.OK(new JsonObject().put("clustered", true)));
      return;
    }
    boolean active = manager.isActive();
    int members = active ? manager.getNodes().size() : 0;
    boolean alone = expectsPeers && members <= 1;
    JsonObject data = new JsonObject().put("clustered", true).put("members", members);
    if (alone) {
      data.put("alone", true);
    }
    promise.complete(new Status().setOk(active && !alone).setData(data));
  }

  /** Up when the tier answers and says its store is reachable; the store's name as data. */
  private void tier(String address, Promise<Status> promise) {
    vertx.eventBus().<JsonObject>request(address, new JsonObject(), busOptions).onComplete(ar -> {
      // try: the health checks time a procedure out themselves, and a reply (or our own timeout) later
      // than theirs found the promise complete and threw on the event loop
      if (ar.failed()) {
        promise.tryComplete(Status.KO(new JsonObject().put("reachable", false)));
        return;
      }
      JsonObject body = ar.result().body();
      boolean healthy = body.getBoolean("healthy", false);
      promise.tryComplete(new Status().setOk(healthy)
          .setData(new JsonObject().put("reachable", true).put("store", body.getString("store"))));
    });
  }
}
