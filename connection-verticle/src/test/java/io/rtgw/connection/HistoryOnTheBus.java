package io.rtgw.connection;

import io.rtgw.history.HistoryVerticle;
import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.codec.Codecs;
import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real history tier (memory store) on a Vertx of the test's own, and a context standing in for a
 * connection verticle's event loop, so the hub and sessions are tested without an HTTP server. Publishing
 * plays the fanout tier: append to history, then (unless told not to) publish the delivery.
 */
public final class HistoryOnTheBus implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();
  final Tiers tiers;
  private final GatewayConfig config;
  /** The limit of every history read sent: a resume must never ask for an unbounded page. */
  final List<Integer> readLimits = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicInteger channels = new AtomicInteger();

  /** {@code namespaces}: the namespaces object of the configuration (name -> policy). */
  HistoryOnTheBus(JsonObject namespaces) {
    this(GatewayConfig.fromJson(GatewayConfig.defaults().toJson().put("namespaces", namespaces)));
  }

  private HistoryOnTheBus(GatewayConfig config) {
    this.config = config;
    Codecs.register(vertx);
    await(vertx.deployVerticle(new HistoryVerticle(), new DeploymentOptions().setConfig(config.toJson())));
    vertx.eventBus().addOutboundInterceptor(dc -> {
      if (dc.message().body() instanceof HistoryRead read && read.since() != null) {
        readLimits.add(read.limit());
      }
      dc.next();
    });
    tiers = new Tiers(vertx, 5_000);
  }

  /** With the standalone configuration's namespaces (chat, news, feed, user, default). */
  public static HistoryOnTheBus standalone() {
    // tests run in the module folder; the standalone configuration lives at the root
    return new HistoryOnTheBus(ConfigLoader.load("../conf/standalone.json", java.util.Map.of()));
  }

  public Vertx vertx() {
    return vertx;
  }

  public Tiers tiers() {
    return tiers;
  }

  public GatewayConfig config() {
    return config;
  }

  static JsonObject namespace(int historySize, long historyAgeSeconds, boolean presence) {
    return new JsonObject().put("presence", presence).put("clientPublish", true).put("historySize", historySize)
        .put("historyAgeSeconds", historyAgeSeconds);
  }

  /** A channel of {@code namespace} no other test used. */
  String freshChannel(String namespace) {
    return namespace + ":c" + channels.incrementAndGet();
  }

  /** Appends {@code count} messages; each is delivered on the bus unless {@code delivered} is false. */
  void publish(String channel, int count, boolean delivered) {
    for (int i = 0; i < count; i++) {
      AppendResult r = await(vertx.eventBus().<AppendResult>request(Addresses.HISTORY_APPEND,
          new AppendCommand(channel, "{\"n\":" + i + "}", null, null, System.currentTimeMillis())).map(m -> m.body()));
      if (delivered) {
        Message m = r.message();
        vertx.eventBus().publish(Addresses.delivery(channel), m);
      }
    }
  }

  /** Runs {@code work} on the context and waits for the future it returns. */
  public <T> T on(Callable<Future<T>> work) {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        work.call().onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(ar.result());
          } else {
            done.completeExceptionally(ar.cause());
          }
        });
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    });
    return join(done);
  }

  /** Lets every task queued on the context (deliveries, gap fills) run, with a history round trip. */
  void settle() {
    on(() -> tiers.read(new HistoryRead("feed:settle", null, 0)));
    on(() -> Future.succeededFuture(null));
  }

  static <T> T await(Future<T> f) {
    return join(f.toCompletionStage().toCompletableFuture());
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
