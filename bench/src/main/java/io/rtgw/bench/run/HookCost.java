package io.rtgw.bench.run;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The publish hook's cost on the server: one WebSocket client publishes to {@code news:} (no hook) and
 * to {@code feed:} (a publish hook that answers allow), namespaces otherwise configured alike, in
 * alternating rounds after {@link #WARM_ROUNDS} warm-up rounds of both, and the gateway's CPU (user +
 * system, /proc) per publish is compared, its system part apart (the hook's syscalls). The hook is an HTTP server in the bench process, not a bus consumer in a service
 * process: a bus hook across processes needs the gateway clustered, whose event bus and Hazelcast
 * would change the baseline too; the HTTP hook is the request and answer the gateway pays for per
 * publish either way, plus its HTTP client. The client and the hook server run in the bench process,
 * off the gateway's core, so their CPU is not counted.
 */
final class HookCost {

  /** Publishes in flight on the client's connection: enough to keep the gateway busy, few enough to wait for. */
  static final int WINDOW = 200;
  /** Rounds of each channel before the measured ones. */
  static final int WARM_ROUNDS = 2;
  static final String PLAIN = "news:hook-cost";
  static final String HOOKED = "feed:hook-cost";

  private final Vertx vertx = Vertx.vertx();
  /**
   * Held for the run: Vert.x 5 closes a client's connections 30 s after the client object is collected,
   * and a client only reachable from its connect call was (closed 1000 without a reason, mid-round).
   */
  private final WebSocketClient client = vertx.createWebSocketClient();
  private final AtomicLong answered = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong hookCalls = new AtomicLong();
  private final AtomicLong hookConnections = new AtomicLong();
  private volatile String firstFailure;

  private HookCost() {
  }

  /** Runs with {@code publishes} per round and {@code rounds} measured rounds of each channel. */
  static Map<String, Double> run(Settings settings, List<String> pin, Path logDir, int publishes, int rounds) {
    HookCost c = new HookCost();
    try {
      return c.measure(settings, pin, logDir, publishes, rounds);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("the hooks scenario failed: " + e.getMessage(), e);
    } finally {
      await(c.vertx.close());
    }
  }

  private Map<String, Double> measure(Settings settings, List<String> pin, Path logDir, int publishes, int rounds)
      throws IOException {
    HttpServer hook = await(vertx.createHttpServer().connectionHandler(conn -> hookConnections.incrementAndGet()).requestHandler(r -> r.body().onSuccess(b -> {
      hookCalls.incrementAndGet();
      r.response().putHeader("content-type", "application/json").end("{\"allow\":true}");
    })).listen(0, ServerUnderTest.HOST));
    Map<String, String> env = Map.of(
        "GATEWAY_NAMESPACES_FEED_HOOKS_PUBLISH_URL", "http://" + ServerUnderTest.HOST + ":" + hook.actualPort() + "/publish",
        "GATEWAY_NAMESPACES_FEED_HOOKS_PUBLISH_TIMEOUT_MS", "5000");
    try (ServerUnderTest gateway = ServerUnderTest.start("gateway", settings, pin, logDir, env)) {
      WebSocket ws = await(client.connect(gateway.port, ServerUnderTest.HOST, "/ws?user=hook-cost"));
      Window[] window = new Window[1];
      // a closed connection answers nothing more: the window fails with the close instead of waiting out its limit
      ws.closeHandler(v -> {
        if (window[0] == null || window[0].done.future().isComplete()) {
          return; // between windows or at the end: the gateway stopping after the run
        }
        String why = "the gateway closed the WebSocket after " + answered.get() + " answers: " + ws.closeStatusCode()
            + " " + ws.closeReason();
        Runner.log("  hooks: " + why);
        window[0].done.tryFail(why);
      });
      ws.textMessageHandler(text -> {
        if (!text.contains("\"id\"")) {
          return;
        }
        if (!text.contains("\"type\":\"published\"") && failed.incrementAndGet() == 1) {
          firstFailure = text;
        }
        if (answered.incrementAndGet() == window[0].until) {
          window[0].done.complete();
        }
      });
      // the first rounds of each warm the JIT and the hook's HTTP connections; they are not counted (one
      // warm round left the hooked figure still falling by half in the next)
      Map<String, List<Double>> cpu = new LinkedHashMap<>(Map.of(PLAIN, new ArrayList<>(), HOOKED, new ArrayList<>()));
      Map<String, List<Double>> sys = new LinkedHashMap<>(Map.of(PLAIN, new ArrayList<>(), HOOKED, new ArrayList<>()));
      long hookCalls0 = 0;
      for (int round = 1 - WARM_ROUNDS; round <= rounds; round++) {
        for (String channel : List.of(PLAIN, HOOKED)) {
          if (round == 1 && channel.equals(PLAIN)) {
            hookCalls0 = hookCalls.get();
          }
          long cpu0 = gateway.cpuMillis();
          long[] us0 = DirectProfile.userSys(gateway.pid());
          publish(ws, window, channel, publishes);
          double us = (gateway.cpuMillis() - cpu0) * 1000.0 / publishes;
          double sysUs = (DirectProfile.userSys(gateway.pid())[1] - us0[1]) * 1_000_000.0 / ServerUnderTest.CLOCK_TICKS / publishes;
          if (round > 0) {
            cpu.get(channel).add(us);
            sys.get(channel).add(sysUs);
          }
          Runner.log(String.format("  hooks round %d %s: %.1f us CPU per publish (%.1f system), load %s", round, channel,
              us, sysUs, Machine.load()));
        }
      }
      if (failed.get() > 0) {
        Runner.log("  hooks: " + failed.get() + " publishes failed, the first: " + firstFailure);
      }
      double plain = median(cpu.get(PLAIN));
      double hooked = median(cpu.get(HOOKED));
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("publishes_per_round", (double) publishes);
      f.put("rounds", (double) rounds);
      f.put("plain_cpu_us_per_publish", plain);
      f.put("hooked_cpu_us_per_publish", hooked);
      f.put("hook_cpu_us_per_publish", hooked - plain);
      f.put("plain_system_us_per_publish", median(sys.get(PLAIN)));
      f.put("hooked_system_us_per_publish", median(sys.get(HOOKED)));
      f.put("plain_cpu_us_min", cpu.get(PLAIN).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
      f.put("hooked_cpu_us_min", cpu.get(HOOKED).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
      // every measured hooked publish asked the hook once, and no plain one did
      f.put("hook_calls_per_hooked_publish", (hookCalls.get() - hookCalls0) / (double) (rounds * publishes));
      // the gateway's keep-alive pool: a figure near the hook calls would mean a connection per request
      f.put("hook_connections", (double) hookConnections.get());
      f.put("failed_publishes", (double) failed.get());
      return f;
    }
  }

  private record Window(long until, Promise<Void> done) {
  }

  /** {@code n} publishes, {@link #WINDOW} at a time, each window answered before the next is sent. */
  private void publish(WebSocket ws, Window[] window, String channel, int n) {
    for (int sent = 0; sent < n; sent += WINDOW) {
      int count = Math.min(WINDOW, n - sent);
      window[0] = new Window(answered.get() + count, Promise.promise());
      int from = sent;
      vertx.runOnContext(v -> {
        for (int i = 0; i < count; i++) {
          ws.writeTextMessage("{\"id\":" + (from + i + 1) + ",\"type\":\"publish\",\"channel\":\"" + channel
              + "\",\"data\":{\"text\":\"hello\",\"n\":" + i + "}}");
        }
      });
      await(window[0].done.future());
    }
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no answer within 120 s", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
