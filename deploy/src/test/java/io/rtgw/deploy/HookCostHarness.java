package io.rtgw.deploy;

import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not a test (nothing is asserted: speed is measured, never asserted): the CPU a client publish costs
 * with and without a publish hook on the bus that answers allow. One gateway, one WebSocket client
 * publishing in windows of {@link #WINDOW}, process CPU time over the run divided by the publishes; the
 * client runs in this JVM too, the same in both runs, so the difference is the hook's. Run with
 * {@code java -cp <deploy test classpath> io.rtgw.deploy.HookCostHarness [publishes]} from deploy/.
 */
public final class HookCostHarness {

  static final int WINDOW = 200;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    JsonObject conf = new JsonObject(Files.readString(Path.of("../conf/standalone.json")));
    conf.getJsonObject("namespaces").put("hooked", new JsonObject().put("historySize", 100).put("hooks",
        new JsonObject().put("publish", new JsonObject().put("address", "bench.hooks.publish").put("timeoutMs", 5000))));
    Path file = Files.createTempFile("rtgw-hook-cost", ".json");
    Files.writeString(file, conf.encode());
    Gateway gateway = WsClient.await(Gateway.start(ConfigLoader.load(file.toString(), Map.of("GATEWAY_HTTP_HOST",
        "127.0.0.1", "GATEWAY_HTTP_PORT", "0", "GATEWAY_DEMO_TICKER", "false", "GATEWAY_HTTP_DRAIN_MS", "0",
        "GATEWAY_LIMITS_COMMANDS_PER_SECOND", "0", "GATEWAY_LIMITS_PUBLISHES_PER_SECOND", "0",
        "GATEWAY_ROLES_CONNECTION_INSTANCES", "1"))));
    WsClient.await(gateway.vertx().eventBus().<JsonObject>consumer("bench.hooks.publish",
        m -> m.reply(new JsonObject().put("allow", true))).completion());
    Vertx clients = Vertx.vertx();
    try {
      WebSocket ws = WsClient.await(clients.createWebSocketClient().connect(gateway.httpPort(), "127.0.0.1",
          "/ws?user=bench"));
      AtomicInteger acked = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      Promise<Void>[] window = new Promise[1];
      int[] expected = new int[1];
      ws.closeHandler(v -> System.out.println("closed: " + ws.closeStatusCode() + " " + ws.closeReason()));
      ws.textMessageHandler(text -> {
        JsonObject f = new JsonObject(text);
        if (f.getValue("id") == null) {
          return;
        }
        if (!"published".equals(f.getString("type")) && failed.incrementAndGet() == 1) {
          System.out.println("first failure: " + text);
        }
        if (acked.incrementAndGet() == expected[0]) {
          window[0].complete();
        }
      });
      int rounds = 6;
      Map<String, List<Double>> cpuPer = Map.of("chat:bench", new ArrayList<>(), "hooked:bench", new ArrayList<>());
      for (int round = 0; round < rounds; round++) {
        // alternating, so a neighbour's load on the shared machine falls on both; the first round warms up
        for (String channel : new String[] {"chat:bench", "hooked:bench"}) {
          long cpu = cpuNanos();
          long wall = System.nanoTime();
          for (int sent = 0; sent < n; sent += WINDOW) {
            window[0] = Promise.promise();
            expected[0] = acked.get() + WINDOW;
            for (int i = 0; i < WINDOW; i++) {
              ws.writeTextMessage("{\"id\":" + (sent + i + 1) + ",\"type\":\"publish\",\"channel\":\"" + channel
                  + "\",\"data\":{\"text\":\"hello\",\"n\":" + i + "}}");
            }
            WsClient.await(window[0].future());
          }
          double usCpu = (cpuNanos() - cpu) / 1000.0 / n;
          double usWall = (System.nanoTime() - wall) / 1000.0 / n;
          if (round > 0) {
            cpuPer.get(channel).add(usCpu);
            System.out.printf("round %d %-13s %d publishes: %.1f us CPU per publish (whole process), %.1f us wall; "
                + "failed %d%n", round, channel, n, usCpu, usWall, failed.get());
          }
        }
      }
      cpuPer.forEach((channel, values) -> {
        List<Double> sorted = values.stream().sorted().toList();
        System.out.printf("%-13s median %.1f us CPU per publish, min %.1f%n", channel, sorted.get(sorted.size() / 2),
            sorted.get(0));
      });
    } finally {
      // the numbers are out: no orderly stop to wait for
      System.exit(0);
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
