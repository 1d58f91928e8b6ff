package io.rtgw.bench.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The scenarios of issue 7, each against one running server, each answering its figures by name. The
 * subscribers are spread over as few generator processes as the per-process file limit allows; the
 * publisher lives in generator 0.
 */
final class Scenarios {

  private static final AtomicLong UNIQUE = new AtomicLong(System.currentTimeMillis() % 100_000);
  /** Longest wait for deliveries to arrive once publishing is over. */
  private static final double SETTLE_LIMIT_S = 60;
  private final Settings settings;
  private final List<GeneratorProcess> gens;

  Scenarios(Settings settings, List<GeneratorProcess> gens) {
    this.settings = settings;
    this.gens = gens;
  }

  /** The gateway's namespaces are configured; {@code feed} has no presence and allows client publishes. */
  static String channel(String kind) {
    return "feed:" + kind + "-" + UNIQUE.incrementAndGet();
  }

  Map<String, Double> burst(ServerUnderTest s, String transport) {
    String ch = channel("burst");
    int n = settings.burstSubscribers();
    int m = settings.burstMessages();
    List<GeneratorProcess> used = open(s, transport, List.of(ch), n, false);
    broadcast(used, new JsonObject().put("cmd", "reset"));
    long cpu = s.cpuMillis();
    long writes = s.writeCalls();
    JsonObject pub = publish(s, List.of(ch), m, 0);
    long expected = (long) n * m;
    List<JsonObject> stats = settle(used, expected);
    cpu = s.cpuMillis() - cpu;
    writes = s.writeCalls() - writes;
    long delivered = sum(stats, "received");
    long last = stats.stream().mapToLong(o -> o.getLong("lastNanos")).max().orElse(0);
    double seconds = Math.max(1e-9, (last - pub.getLong("startNanos")) / 1e9);
    close(used);
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("deliveries_per_s", delivered / seconds);
    f.put("server_cpu_us_per_delivery", cpu * 1000.0 / Math.max(1, delivered));
    f.put("server_writes_per_delivery", writes / (double) Math.max(1, delivered));
    f.put("delivered_pct", 100.0 * delivered / expected);
    return f;
  }

  Map<String, Double> steady(ServerUnderTest s, String transport, int n, int rate) {
    String ch = channel("steady");
    List<GeneratorProcess> used = open(s, transport, List.of(ch), n, false);
    broadcast(used, new JsonObject().put("cmd", "reset"));
    long cpu = s.cpuMillis();
    long perChannel = Math.round(rate * (settings.warmupSeconds() + settings.measureSeconds()));
    CompletableFuture<JsonObject> pub = gens.get(0).send(publishCommand(s, List.of(ch), perChannel, rate));
    ServerUnderTest.sleep((long) (settings.warmupSeconds() * 1000));
    // latencies of the warm-up are dropped; the counts are kept so every message is checked
    broadcast(used, new JsonObject().put("cmd", "reset").put("latencyOnly", true));
    pub.orTimeout((long) (settings.measureSeconds() * 1000 + 120_000), java.util.concurrent.TimeUnit.MILLISECONDS).join();
    long expected = (long) n * perChannel;
    List<JsonObject> stats = settle(used, expected);
    cpu = s.cpuMillis() - cpu;
    close(used);
    Histogram h = merged(stats);
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
    f.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
    f.put("p99.9_ms", h.getValueAtPercentile(99.9) / 1000.0);
    f.put("server_cpu_us_per_delivery", cpu * 1000.0 / Math.max(1, sum(stats, "received")));
    f.put("delivered_pct", 100.0 * sum(stats, "received") / expected);
    return f;
  }

  /**
   * Resident memory per idle connection: a warm-up batch first (so classes and JIT code are not counted),
   * then RSS after a full GC at each connection count, minus the idle RSS after the same GC.
   */
  Map<String, Double> memory(ServerUnderTest s, String transport) {
    List<String> channels = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      channels.add(channel("idle"));
    }
    List<GeneratorProcess> warm = open(s, transport, channels, Math.min(200, settings.memoryCounts().get(0)), false);
    close(warm);
    ServerUnderTest.sleep(settings.gcPauseMs());
    long idle = settledRss(s);
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("idle_rss_mb", idle / 1024.0);
    int[] held = new int[gens.size()];
    List<GeneratorProcess> used = List.of();
    for (int count : settings.memoryCounts()) {
      used = openMore(s, transport, channels, held, count);
      long rss = settledRss(s);
      f.put("kb_per_conn@" + count, (rss - idle) / (double) count);
    }
    close(used);
    return f;
  }

  Map<String, Double> chat(ServerUnderTest s) {
    int rooms = settings.chatRooms();
    int members = settings.chatMembers();
    int perGen = Math.max(1, gensFor(rooms * members));
    List<String> all = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      all.add(channel("room"));
    }
    List<GeneratorProcess> used = new ArrayList<>();
    List<CompletableFuture<JsonObject>> opening = new ArrayList<>();
    for (int g = 0; g < perGen; g++) {
      List<String> mine = all.subList(g * rooms / perGen, (g + 1) * rooms / perGen);
      used.add(gens.get(g));
      opening.add(gens.get(g).send(openCommand(s, "ws", mine, mine.size() * members, false)));
    }
    checkOpened(opening, rooms * members);
    awaitNchan(s, all, (long) rooms * members);
    broadcast(used, new JsonObject().put("cmd", "reset"));
    long cpu = s.cpuMillis();
    double seconds = settings.warmupSeconds() + settings.chatSeconds();
    List<CompletableFuture<JsonObject>> chatting = new ArrayList<>();
    for (GeneratorProcess g : used) {
      chatting.add(g.send(new JsonObject().put("cmd", "chat").put("rate", 1.0).put("seconds", seconds)
          .put("server", s.name).put("host", ServerUnderTest.HOST).put("port", s.port)));
    }
    ServerUnderTest.sleep((long) (settings.warmupSeconds() * 1000));
    broadcast(used, new JsonObject().put("cmd", "reset").put("latencyOnly", true));
    long published = 0;
    for (CompletableFuture<JsonObject> c : chatting) {
      published += c.orTimeout((long) (seconds * 1000 + 120_000), java.util.concurrent.TimeUnit.MILLISECONDS)
          .join().getLong("sent");
    }
    long expected = published * members;
    List<JsonObject> stats = settle(used, expected);
    cpu = s.cpuMillis() - cpu;
    close(used);
    Histogram h = merged(stats);
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("deliveries_per_s", sum(stats, "received") / seconds);
    f.put("p50_ms", h.getValueAtPercentile(50) / 1000.0);
    f.put("p99_ms", h.getValueAtPercentile(99) / 1000.0);
    f.put("server_cpu_us_per_delivery", cpu * 1000.0 / Math.max(1, sum(stats, "received")));
    f.put("delivered_pct", 100.0 * sum(stats, "received") / expected);
    return f;
  }

  /**
   * Clients on a few channels with a publisher going; at {@code dropAt} every client's connection is
   * dropped at once and they all come back resuming from their last position. Lost: sequence numbers a
   * client never received, summed over clients, once the publisher is done and deliveries settled.
   */
  Map<String, Double> storm(ServerUnderTest s) {
    List<String> channels = new ArrayList<>();
    for (int i = 0; i < settings.stormChannels(); i++) {
      channels.add(channel("storm"));
    }
    GeneratorProcess clients = gens.size() > 1 ? gens.get(1) : gens.get(0);
    // the counts carry over from the previous scenario otherwise, and the settle below would end at once
    broadcast(gens.size() > 1 ? List.of(gens.get(0), clients) : List.of(clients), new JsonObject().put("cmd", "reset"));
    checkOpened(List.of(clients.send(openCommand(s, "ws", channels, settings.stormClients(), true))),
        settings.stormClients());
    awaitNchan(s, channels, settings.stormClients());
    long perChannel = Math.round(settings.stormRate() * settings.stormSeconds());
    CompletableFuture<JsonObject> pub = gens.get(0).send(publishCommand(s, channels, perChannel, settings.stormRate()));
    ServerUnderTest.sleep((long) (settings.stormDropAt() * 1000));
    JsonObject storm = clients.call(new JsonObject().put("cmd", "storm"), 300);
    JsonObject published = pub.orTimeout(300, java.util.concurrent.TimeUnit.SECONDS).join().getJsonObject("perChannel");
    long expected = perChannel * settings.stormClients();
    // resumed clients replay their gap while the machine is busiest: a longer quiet period before counting losses
    List<JsonObject> stats = settle(List.of(clients), expected, published, settings.quietMs() * 5);
    JsonObject publisherStats = gens.get(0).call(new JsonObject().put("cmd", "stats"), 60);
    long publishErrors = publisherStats.getLong("publishErrors", 0L);
    close(List.of(clients));
    close(List.of(gens.get(0)));
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("back_ms", storm.getDouble("ms"));
    f.put("failed_reconnects", storm.getDouble("failed"));
    f.put("lost", (double) sum(stats, "lost"));
    f.put("duplicates", (double) sum(stats, "duplicates"));
    // clients that lost or repeated a message; the first few are described in the runner's log
    f.put("lossy_clients", (double) sum(stats, "lossyClients"));
    stats.forEach(o -> o.getJsonArray("lossSamples", new JsonArray())
        .forEach(sample -> System.err.println("storm: a client of " + s.name + " lost or repeated messages: " + sample)));
    // a refused publish was never a message: it is counted here, and as lost by every client of its channel
    f.put("publish_errors", (double) publishErrors);
    f.put("publish_acks", publisherStats.getLong("publishAcks", 0L).doubleValue());
    // a client the server closed after it came back never resumes again here: its later messages count as lost
    f.put("server_closes", (double) sum(stats, "serverCloses"));
    stats.forEach(o -> o.getJsonObject("closeCodes", new JsonObject())
        .forEach(e -> f.merge("server_closes_code_" + e.getKey(), ((Number) e.getValue()).doubleValue(), Double::sum)));
    return f;
  }

  /**
   * Event-loop stalls: the largest memory count of idle identified WebSockets held on the gateway while a
   * probe pings every 5 ms for a minute (two WebSocket ping intervals, thirty position-check rounds);
   * the worst answer is the longest task the connection event loop ran. Gateway only: it speaks the
   * gateway's protocol (user=, ping/pong).
   */
  Map<String, Double> stall(ServerUnderTest s) {
    if (!s.name.equals("gateway")) {
      throw new IllegalArgumentException("the stall probe speaks the gateway's protocol only, not " + s.name + "'s");
    }
    int idle = settings.memoryCounts().get(settings.memoryCounts().size() - 1);
    double seconds = "smoke".equals(settings.preset()) ? 2 : io.rtgw.bench.probe.StallProbe.DEFAULT_SECONDS;
    JsonObject r;
    try {
      r = io.rtgw.bench.probe.StallProbe.run(ServerUnderTest.HOST, s.port, idle, seconds,
          io.rtgw.bench.probe.StallProbe.DEFAULT_INTERVAL_MS);
    } catch (Exception e) {
      throw new IllegalStateException("the stall probe failed: " + e.getMessage(), e);
    }
    Map<String, Double> f = new LinkedHashMap<>();
    for (String key : List.of("max_ms", "p99_ms", "p99.9_ms", "over_10ms", "idle", "idle_failed", "pings", "pongs")) {
      f.put(key, r.getValue(key) instanceof Number n ? n.doubleValue() : Double.NaN);
    }
    return f;
  }

  // ---- helpers

  private int gensFor(int connections) {
    int n = (connections + io.rtgw.bench.gen.Generator.MAX_CONNECTIONS - 1) / io.rtgw.bench.gen.Generator.MAX_CONNECTIONS;
    if (n > gens.size()) {
      throw new IllegalStateException(connections + " connections need " + n + " generators; " + gens.size() + " run");
    }
    return Math.max(1, n);
  }

  private List<GeneratorProcess> open(ServerUnderTest s, String transport, List<String> channels, int n, boolean track) {
    return openMore(s, transport, channels, new int[gens.size()], n);
  }

  /** Grows the connections to {@code want} in all, spread evenly over the generators needed; {@code held} per generator. */
  private List<GeneratorProcess> openMore(ServerUnderTest s, String transport, List<String> channels, int[] held, int want) {
    int k = gensFor(want);
    List<CompletableFuture<JsonObject>> opening = new ArrayList<>();
    int target = 0;
    for (int g = 0; g < k; g++) {
      int more = Math.max(0, want / k + (g < want % k ? 1 : 0) - held[g]);
      held[g] += more;
      target += more;
      if (more > 0) {
        opening.add(gens.get(g).send(openCommand(s, transport, channels, more, false)));
      }
    }
    checkOpened(opening, target);
    awaitNchan(s, channels, want);
    return gens.subList(0, k);
  }

  private JsonObject openCommand(ServerUnderTest s, String transport, List<String> channels, int count, boolean track) {
    return new JsonObject().put("cmd", "open").put("server", s.name).put("transport", transport)
        .put("host", ServerUnderTest.HOST).put("port", s.port).put("channels", new JsonArray(channels))
        .put("count", count).put("track", track);
  }

  private JsonObject publishCommand(ServerUnderTest s, List<String> channels, long perChannel, double rate) {
    return new JsonObject().put("cmd", "publish").put("server", s.name).put("host", ServerUnderTest.HOST)
        .put("port", s.port).put("channels", new JsonArray(channels)).put("perChannel", perChannel).put("rate", rate);
  }

  private JsonObject publish(ServerUnderTest s, List<String> channels, long perChannel, double rate) {
    return gens.get(0).call(publishCommand(s, channels, perChannel, rate), 300);
  }

  private static void checkOpened(List<CompletableFuture<JsonObject>> opening, int expected) {
    long opened = 0;
    String error = null;
    for (CompletableFuture<JsonObject> f : opening) {
      JsonObject r = f.orTimeout(600, java.util.concurrent.TimeUnit.SECONDS).join();
      opened += r.getLong("opened");
      if (r.getString("error") != null) {
        error = r.getString("error");
      }
    }
    if (opened < expected) {
      throw new IllegalStateException("opened " + opened + " of " + expected + " subscribers: " + error);
    }
  }

  /** nchan acknowledges no subscription: wait until its own counts show {@code total} on these channels (bounded). */
  private static void awaitNchan(ServerUnderTest s, List<String> channels, long total) {
    if (!s.name.equals("nchan")) {
      return;
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      long seen = 0;
      for (String ch : channels) {
        seen += s.nchanSubscribers(ch);
      }
      if (seen >= total) {
        return;
      }
      ServerUnderTest.sleep(50);
    }
  }

  private long settledRss(ServerUnderTest s) {
    s.collectGarbage();
    ServerUnderTest.sleep(settings.gcPauseMs());
    s.collectGarbage();
    ServerUnderTest.sleep(settings.gcPauseMs());
    return s.rssKb();
  }

  private List<JsonObject> settle(List<GeneratorProcess> used, long expected) {
    return settle(used, expected, new JsonObject(), settings.quietMs());
  }

  /** Polls the counts until all expected deliveries arrived, or nothing moved for a while (bounded). */
  /** Deliveries count as done once all arrived, or the count has not moved for {@code quietMs}. */
  private List<JsonObject> settle(List<GeneratorProcess> used, long expected, JsonObject published, long quietMs) {
    long deadline = System.nanoTime() + (long) (SETTLE_LIMIT_S * 1e9);
    long lastCount = -1;
    long lastMove = System.nanoTime();
    while (true) {
      List<JsonObject> stats = new ArrayList<>();
      for (GeneratorProcess g : used) {
        stats.add(g.call(new JsonObject().put("cmd", "stats").put("published", published), 60));
      }
      long count = sum(stats, "received");
      if (count != lastCount) {
        lastCount = count;
        lastMove = System.nanoTime();
      }
      if (count >= expected || System.nanoTime() > deadline || System.nanoTime() - lastMove > quietMs * 1_000_000) {
        return stats;
      }
      ServerUnderTest.sleep(100);
    }
  }

  private static void broadcast(List<GeneratorProcess> used, JsonObject cmd) {
    List<CompletableFuture<JsonObject>> all = new ArrayList<>();
    for (GeneratorProcess g : used) {
      all.add(g.send(cmd));
    }
    all.forEach(f -> f.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join());
  }

  private static void close(List<GeneratorProcess> used) {
    broadcast(used, new JsonObject().put("cmd", "close"));
    ServerUnderTest.sleep(300);
  }

  private static long sum(List<JsonObject> stats, String key) {
    return stats.stream().mapToLong(o -> o.getLong(key, 0L)).sum();
  }

  private static Histogram merged(List<JsonObject> stats) {
    Histogram all = new Histogram(3_600_000_000L, 3);
    for (JsonObject o : stats) {
      try {
        all.add(Histogram.decodeFromCompressedByteBuffer(
            ByteBuffer.wrap(Base64.getDecoder().decode(o.getString("histogram"))), 0));
      } catch (java.util.zip.DataFormatException e) {
        throw new IllegalStateException("a generator sent a broken histogram", e);
      }
    }
    return all;
  }
}
