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
    return chat(s, "ws");
  }

  /** {@code transport}: ws, or ws+deflate (members that offer compression as browsers do). */
  Map<String, Double> chat(ServerUnderTest s, String transport) {
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
      opening.add(gens.get(g).send(openCommand(s, transport, mine, mine.size() * members, false)));
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
    return storm(s, "ws");
  }

  Map<String, Double> storm(ServerUnderTest s, String transport) {
    List<String> channels = new ArrayList<>();
    for (int i = 0; i < settings.stormChannels(); i++) {
      channels.add(channel("storm"));
    }
    GeneratorProcess clients = gens.size() > 1 ? gens.get(1) : gens.get(0);
    // the counts carry over from the previous scenario otherwise, and the settle below would end at once
    broadcast(gens.size() > 1 ? List.of(gens.get(0), clients) : List.of(clients), new JsonObject().put("cmd", "reset"));
    checkOpened(List.of(clients.send(openCommand(s, transport, channels, settings.stormClients(), true))),
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
   * probe pings every 5 ms for a minute (two WebSocket ping intervals, thirty position-check rounds).
   * Gateway only: it speaks the gateway's protocol (user=, ping/pong). The gateway runs as shipped
   * ({@link ServerUnderTest#startAsShipped}) and reports its own event-loop tasks over 10 ms; the probe
   * runs in a small JVM of its own. Both JVMs log their safepoints, so a slow answer is laid beside
   * what stopped either JVM, and what no pause explains is the event loop's or the scheduler's.
   */
  Map<String, Double> stall(ServerUnderTest s) {
    if (!s.name.equals("gateway")) {
      throw new IllegalArgumentException("the stall probe speaks the gateway's protocol only, not " + s.name + "'s");
    }
    int idle = settings.memoryCounts().get(settings.memoryCounts().size() - 1);
    double seconds = "smoke".equals(settings.preset()) ? 2 : io.rtgw.bench.probe.StallProbe.DEFAULT_SECONDS;
    java.nio.file.Path probePauses = settings.logDir().resolve("stall-probe-safepoints-" + System.currentTimeMillis() + ".log");
    JsonObject r;
    try {
      r = probeProcess(s.port, idle, seconds, probePauses);
    } catch (Exception e) {
      throw new IllegalStateException("the stall probe failed: " + e.getMessage(), e);
    }
    Map<String, Double> f = new LinkedHashMap<>();
    for (String key : List.of("max_ms", "p99_ms", "p99.9_ms", "over_10ms", "idle", "idle_failed", "pings", "pongs")) {
      f.put(key, r.getValue(key) instanceof Number n ? n.doubleValue() : Double.NaN);
    }
    if (s.safepointLog != null) {
      f.putAll(stallsBesidePauses(r, s.safepointLog, probePauses));
      f.putAll(longTasks(s.log, r.getLong("from_epoch_ms"), r.getLong("to_epoch_ms")));
    }
    return f;
  }

  /** StallProbe in a JVM of its own (on the load core, as this one): its heap and pauses are not the runner's. */
  private static JsonObject probeProcess(int port, int idle, double seconds, java.nio.file.Path safepoints)
      throws java.io.IOException, InterruptedException {
    Process p = new ProcessBuilder(GeneratorProcess.javaBin(), "-Xmx256m", "-XX:+UseSerialGC",
        "-Xlog:safepoint:file=" + safepoints + ":timemillis", "-cp", System.getProperty("java.class.path"),
        io.rtgw.bench.probe.StallProbe.class.getName(), ServerUnderTest.HOST, String.valueOf(port),
        String.valueOf(idle), String.valueOf(seconds), String.valueOf(io.rtgw.bench.probe.StallProbe.DEFAULT_INTERVAL_MS))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String last = null;
    try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        last = line;
      }
    }
    if (!p.waitFor((long) seconds + 180, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("the stall probe did not end");
    }
    if (p.exitValue() != 0 || last == null || !last.startsWith("{")) {
      throw new IllegalStateException("the stall probe ended with " + p.exitValue() + ": " + last);
    }
    return new JsonObject(last);
  }

  /** The probe's window laid beside the server's and the probe's own safepoints. */
  static Map<String, Double> stallsBesidePauses(JsonObject probe, java.nio.file.Path serverPauses,
                                                java.nio.file.Path probePauses) {
    List<io.rtgw.bench.probe.SafepointLog.Pause> server;
    List<io.rtgw.bench.probe.SafepointLog.Pause> both = new ArrayList<>();
    try {
      server = io.rtgw.bench.probe.SafepointLog.read(serverPauses);
      both.addAll(server);
      both.addAll(io.rtgw.bench.probe.SafepointLog.read(probePauses));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a safepoint log could not be read: " + e.getMessage(), e);
    }
    long from = probe.getLong("from_epoch_ms");
    long to = probe.getLong("to_epoch_ms");
    double worstPause = 0;
    int pausesOver10 = 0;
    for (var p : server) {
      if (p.toEpochMs() >= from && p.fromEpochMs() <= to) {
        worstPause = Math.max(worstPause, p.ms());
        pausesOver10 += p.ms() > 10 ? 1 : 0;
      }
    }
    int outside = 0;
    double worstOutside = 0;
    for (Object o : probe.getJsonArray("slow")) {
      JsonArray slow = (JsonArray) o;
      double sent = slow.getLong(0);
      double ms = slow.getDouble(1);
      double rest = ms - io.rtgw.bench.probe.SafepointLog.overlapMs(both, sent, sent + ms);
      worstOutside = Math.max(worstOutside, rest);
      outside += rest > 10 ? 1 : 0;
    }
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("server_safepoint_max_ms", worstPause);
    f.put("server_safepoints_over_10ms", (double) pausesOver10);
    // of the answers over 10 ms: how many stay over 10 ms once either JVM's pauses within them are taken out
    f.put("over_10ms_beside_no_pause", (double) outside);
    f.put("max_ms_beside_no_pause", worstOutside);
    return f;
  }

  private static final java.util.regex.Pattern BLOCKED = java.util.regex.Pattern.compile(
      "^(\\S+) .*Thread (\\S+) has been blocked for (\\d+) ms");

  /**
   * The gateway's event-loop tasks that ran past {@link ServerUnderTest#LONG_TASK_MS} within the window,
   * from its blocked-thread warnings: one task warns at every check while it runs, so warnings of one
   * thread with a growing figure are one task, and its last figure is about its length.
   */
  static Map<String, Double> longTasks(java.nio.file.Path log, long from, long to) {
    int tasks = 0;
    long longest = 0;
    String thread = null;
    long last = 0;
    try (var lines = java.nio.file.Files.lines(log)) {
      for (String line : (Iterable<String>) lines::iterator) {
        java.util.regex.Matcher m = BLOCKED.matcher(line);
        if (!m.find()) {
          continue;
        }
        long at;
        try {
          at = java.time.Instant.parse(m.group(1)).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
          continue;
        }
        if (at < from || at > to) {
          continue;
        }
        long ms = Long.parseLong(m.group(3));
        if (!m.group(2).equals(thread) || ms <= last) {
          tasks++;
        }
        thread = m.group(2);
        last = ms;
        longest = Math.max(longest, ms);
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the gateway's log could not be read: " + e.getMessage(), e);
    }
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("loop_tasks_over_10ms", (double) tasks);
    f.put("loop_task_max_ms", (double) longest);
    return f;
  }

  // ---- issue 15: identified idle connections (one process, then a cluster), direct messages

  /**
   * Identified idle connections on one server: each a user of its own ({@code ?user=}) with its personal
   * channel (the gateway subscribes {@code user:<id>} by itself; Socket.IO joins the room) and one of a
   * few shared channels. After a warm-up batch: resident memory per connection after two full GCs, then
   * idle CPU of the server (and, on the Redis stores, the commands Redis processed) over
   * {@code idleSeconds} with nothing published.
   */
  Map<String, Double> idleIdentified(ServerUnderTest s, String transport) {
    Settings.Shapes sh = settings.shapes();
    List<String> channels = new ArrayList<>();
    for (int i = 0; i < sh.idleChannels(); i++) {
      channels.add(channel("shared"));
    }
    close(openIdentified(s.name, s.port, transport, channels, Math.min(200, sh.idleUsers()), false, gensFor(200)));
    ServerUnderTest.sleep(settings.gcPauseMs());
    long idle = settledRss(s);
    long redisIdle = s.redis() == null ? 0 : s.redis().rssKb();
    List<GeneratorProcess> used = openIdentified(s.name, s.port, transport, channels, sh.idleUsers(), false,
        gensFor(sh.idleUsers()));
    Map<String, Double> f = new LinkedHashMap<>();
    f.put("kb_per_conn", (settledRss(s) - idle) / (double) sh.idleUsers());
    if (s.redis() != null) {
      f.put("redis_kb_per_conn", (s.redis().rssKb() - redisIdle) / (double) sh.idleUsers());
    }
    // past the subscribes' own reads and the tail-check round under way
    ServerUnderTest.sleep(pastTheOpening(sh));
    long cpu = s.cpuMillis();
    long commands = s.redis() == null ? 0 : s.redis().commandsProcessed();
    Map<String, Long> calls = s.redis() == null ? Map.of() : s.redis().commandCalls();
    long redisCpu = s.redis() == null ? 0 : s.redis().cpuMillis();
    long start = System.nanoTime();
    ServerUnderTest.sleep((long) (sh.idleSeconds() * 1000));
    double seconds = (System.nanoTime() - start) / 1e9;
    f.put("idle_cpu_pct", (s.cpuMillis() - cpu) / 10.0 / seconds);
    if (s.redis() != null) {
      f.put("redis_commands_per_s", (s.redis().commandsProcessed() - commands) / seconds);
      f.put("redis_cpu_pct", (s.redis().cpuMillis() - redisCpu) / 10.0 / seconds);
      perCommand(calls, s.redis().commandCalls(), seconds, "", f);
    }
    connectionHealth(s.name, used, sh.idleUsers(), transport, f);
    close(used);
    return f;
  }

  /**
   * The same shape over {@code clusterProcesses} connection processes on this box with the Redis stores
   * and one core process: connections that failed (at open, closed by the server, without their inbox),
   * Redis commands/s idle, then a steady stream to one shared channel: publishes that failed, deliveries.
   */
  Map<String, Double> idleIdentifiedCluster(String transport, List<String> pin, java.nio.file.Path logDir) {
    Settings.Shapes sh = settings.shapes();
    int perProcess = sh.clusterUsersPerProcess();
    int total = perProcess * sh.clusterProcesses();
    // more than the other scenarios hold per generator: all generators share it (each under its 20,000 files)
    if ((total + gens.size() - 1) / gens.size() > 18_000) {
      throw new IllegalStateException(total + " connections need more than " + gens.size() + " generators");
    }
    List<String> channels = new ArrayList<>();
    for (int i = 0; i < sh.idleChannels(); i++) {
      channels.add(channel("shared"));
    }
    try (ClusterUnderTest c = ClusterUnderTest.start(sh.clusterProcesses(), settings, pin, logDir)) {
      broadcast(gens, new JsonObject().put("cmd", "reset"));
      long stepStart = System.currentTimeMillis();
      // every generator holds a share of every process's connections: node k gets users k, k+n, ...
      List<CompletableFuture<JsonObject>> opening = new ArrayList<>();
      for (int k = 0; k < c.ports.size(); k++) {
        for (int g = 0; g < gens.size(); g++) {
          int count = perProcess / gens.size() + (g < perProcess % gens.size() ? 1 : 0);
          if (count > 0) {
            opening.add(gens.get(g).send(identifiedCommand("gateway", c.ports.get(k), transport, channels, count,
                false, "u" + UNIQUE.incrementAndGet())));
          }
        }
      }
      long opened = 0;
      long pending = 0;
      for (CompletableFuture<JsonObject> o : opening) {
        JsonObject r = o.orTimeout(900, java.util.concurrent.TimeUnit.SECONDS).join();
        opened += r.getLong("opened");
        pending += reportPending(r);
      }
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("connections", (double) opened);
      f.put("failed_connections", (double) (total - opened));
      f.put("opens_never_completed", (double) pending);
      ServerUnderTest.sleep(pastTheOpening(sh));
      long cpu = c.cpuMillis();
      long commands = c.redis.commandsProcessed();
      Map<String, Long> calls = c.redis.commandCalls();
      long start = System.nanoTime();
      ServerUnderTest.sleep((long) (sh.idleSeconds() * 1000));
      double seconds = (System.nanoTime() - start) / 1e9;
      f.put("idle_cpu_pct", (c.cpuMillis() - cpu) / 10.0 / seconds);
      f.put("redis_commands_per_s_idle", (c.redis.commandsProcessed() - commands) / seconds);
      perCommand(calls, c.redis.commandCalls(), seconds, "_idle", f);
      // how far behind the generators' loops fell while opening and idle: a late pong is theirs if it is past the timeout
      List<JsonObject> beforeStream = new ArrayList<>();
      for (GeneratorProcess g : gens) {
        beforeStream.add(g.call(new JsonObject().put("cmd", "stats"), 120));
      }
      f.put("generator_loop_lag_max_ms_opening_idle", beforeStream.stream().mapToDouble(o -> o.getDouble("loopLagMaxMs", 0.0)).max().orElse(0));
      long streamStart = System.currentTimeMillis();
      // the stream: one shared channel, from a publisher on the first process; its subscribers are on all
      broadcast(gens, new JsonObject().put("cmd", "reset"));
      String streamed = channels.get(0);
      long perChannel = Math.round(sh.streamRate() * sh.streamSeconds());
      commands = c.redis.commandsProcessed();
      start = System.nanoTime();
      gens.get(0).call(new JsonObject().put("cmd", "publish").put("server", "gateway").put("host", ServerUnderTest.HOST)
          .put("port", c.ports.get(0)).put("channels", new JsonArray(List.of(streamed))).put("perChannel", perChannel)
          .put("rate", sh.streamRate()), sh.streamSeconds() + 300);
      f.put("redis_commands_per_s_streaming", (c.redis.commandsProcessed() - commands) / ((System.nanoTime() - start) / 1e9));
      long subscribersOfStream = 0;
      for (int k = 0; k < c.ports.size(); k++) {
        for (int g = 0; g < gens.size(); g++) {
          int count = perProcess / gens.size() + (g < perProcess % gens.size() ? 1 : 0);
          subscribersOfStream += (count + channels.size() - 1) / channels.size();
        }
      }
      List<JsonObject> stats = settle(gens, perChannel * subscribersOfStream);
      f.put("publishes", (double) perChannel);
      f.put("publish_errors", (double) sum(stats, "publishErrors"));
      f.put("stream_delivered_pct", 100.0 * sum(stats, "received") / Math.max(1, perChannel * subscribersOfStream));
      f.put("server_closes", (double) sum(stats, "serverCloses"));
      closeCodes(stats, f);
      f.put("generator_loop_lag_max_ms_streaming", stats.stream().mapToDouble(o -> o.getDouble("loopLagMaxMs", 0.0)).max().orElse(0));
      // when the closes came, in s since the step's start (the stream began at stream_started_s)
      f.put("stream_started_s", (streamStart - stepStart) / 1000.0);
      long first = stats.stream().mapToLong(o -> o.getLong("firstServerCloseAt", 0L)).filter(t -> t > 0).min().orElse(0);
      long last = stats.stream().mapToLong(o -> o.getLong("lastServerCloseAt", 0L)).max().orElse(0);
      if (first > 0) {
        f.put("server_closes_first_s", (first - stepStart) / 1000.0);
        f.put("server_closes_last_s", (last - stepStart) / 1000.0);
      }
      f.put("error_frames", (double) sum(stats, "errorFrames"));
      f.put("without_inbox", (double) sum(stats, "withoutInbox"));
      if (transport.equals("ws+deflate")) {
        f.put("deflate_accepted_pct", 100.0 * sum(stats, "deflated") / Math.max(1, opened));
      }
      close(gens);
      return f;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the cluster did not start: " + e.getMessage(), e);
    }
  }

  /**
   * Direct messages: {@code directUsers} users, each on its personal channel alone; a publisher sends each
   * message to one random user's channel at rising rates, {@code directStepSeconds} each, until p99
   * publish-to-receive passes the limit. Per step: p99, delivered, server CPU per publish. Headline: the
   * last rate under the limit, its publishes per second of server CPU (per core) and CPU per publish.
   */
  Map<String, Double> direct(ServerUnderTest s, String transport) {
    Settings.Shapes sh = settings.shapes();
    int n = sh.directUsers();
    String base = "d" + UNIQUE.incrementAndGet();
    List<GeneratorProcess> used = openIdentified(s.name, s.port, transport, List.of("-"), n, true, gensFor(n), base);
    Map<String, Double> f = new LinkedHashMap<>();
    double bestRate = 0;
    double bestCpuUs = 0;
    double bestRedisCpuUs = 0;
    long published = 0;
    long delivered = 0;
    // a cold server would fail the first step on its JIT and the opening's garbage: a warm-up at the first rate
    // settled longer than a step: a warm-up delivery arriving in the first step would count there
    settle(used, directStep(s, base, n, sh.directRates().get(0), Math.max(1, sh.directStepSeconds()), used).getLong("sent"),
        new JsonObject(), settings.quietMs() * 3);
    // what the server burns with nothing published (pings, tail checks, presence) is charged apart
    long idleCpu = s.cpuMillis();
    long idleStart = System.nanoTime();
    ServerUnderTest.sleep((long) (Math.min(2, 2 * sh.directStepSeconds()) * 1000));
    double idleMsPerS = (s.cpuMillis() - idleCpu) / ((System.nanoTime() - idleStart) / 1e9);
    f.put("idle_cpu_pct", idleMsPerS / 10);
    double bestAboveIdleUs = 0;
    for (int rate : sh.directRates()) {
      long cpu = s.cpuMillis();
      long redisCpu = s.redis() == null ? 0 : s.redis().cpuMillis();
      long stepStart = System.nanoTime();
      JsonObject sent = directStep(s, base, n, rate, sh.directStepSeconds(), used);
      List<JsonObject> stats = settle(used, sent.getLong("sent"));
      long count = sent.getLong("sent");
      double stepSeconds = (System.nanoTime() - stepStart) / 1e9;
      double cpuUs = (s.cpuMillis() - cpu) * 1000.0 / Math.max(1, count);
      double aboveIdleUs = Math.max(0, (s.cpuMillis() - cpu - idleMsPerS * stepSeconds) * 1000.0 / Math.max(1, count));
      double redisCpuUs = s.redis() == null ? 0 : (s.redis().cpuMillis() - redisCpu) * 1000.0 / Math.max(1, count);
      double achieved = count / sent.getDouble("seconds");
      double p99 = merged(stats).getValueAtPercentile(99) / 1000.0;
      long received = sum(stats, "received");
      published += count;
      delivered += received;
      String at = "at_" + rate + "/s_";
      f.put(at + "publishes_per_s", achieved);
      f.put(at + "p99_ms", p99);
      f.put(at + "server_cpu_us_per_publish", cpuUs);
      f.put(at + "server_cpu_us_per_publish_above_idle", aboveIdleUs);
      f.put(at + "delivered_pct", 100.0 * received / Math.max(1, count));
      boolean under = p99 <= sh.directP99LimitMs() && received >= count;
      if (under) {
        bestRate = achieved;
        bestCpuUs = cpuUs;
        bestAboveIdleUs = aboveIdleUs;
        bestRedisCpuUs = redisCpuUs;
      } else {
        break;
      }
    }
    f.put("publishes_per_s_p99_under_limit", bestRate);
    // no step under the limit: no CPU figure "at that point" (a 0 would read as the best)
    if (bestRate > 0) {
      // the server is pinned to one core; CPU time per publish turns the rate into what one core does
      f.put("publishes_per_s_per_core", bestCpuUs <= 0 ? 0 : 1e6 / bestCpuUs);
      f.put("server_cpu_us_per_publish", bestCpuUs);
      f.put("server_cpu_us_per_publish_above_idle", bestAboveIdleUs);
      if (s.redis() != null) {
        f.put("redis_cpu_us_per_publish", bestRedisCpuUs);
      }
    }
    f.put("delivered_pct", 100.0 * delivered / Math.max(1, published));
    connectionHealth(s.name, used, n, transport, f);
    close(used);
    return f;
  }

  /** One step of direct messages from generator 0; answers what was sent and how long sending took. */
  private JsonObject directStep(ServerUnderTest s, String base, int users, int rate, double seconds,
      List<GeneratorProcess> used) {
    broadcast(used, new JsonObject().put("cmd", "reset"));
    return gens.get(0).call(new JsonObject().put("cmd", "direct").put("server", s.name).put("host", ServerUnderTest.HOST)
        .put("port", s.port).put("userBase", base).put("users", users).put("rate", (double) rate).put("seconds", seconds)
        .put("seed", (long) rate), seconds + 300);
  }

  /** How many identified connections came through whole: server closes, error frames, missing inbox, compression. */
  private void connectionHealth(String server, List<GeneratorProcess> used, int opened, String transport,
      Map<String, Double> f) {
    List<JsonObject> stats = new ArrayList<>();
    for (GeneratorProcess g : used) {
      stats.add(g.call(new JsonObject().put("cmd", "stats"), 60));
    }
    f.put("server_closes", (double) sum(stats, "serverCloses"));
    closeCodes(stats, f);
    if (server.equals("gateway")) {
      f.put("without_inbox", (double) sum(stats, "withoutInbox"));
    }
    if (transport.equals("ws+deflate")) {
      f.put("deflate_accepted_pct", 100.0 * sum(stats, "deflated") / Math.max(1, opened));
    }
  }

  /** Redis commands/s by command ({@code redis_evalsha_per_s...}): where the idle figure comes from. The INFO asking is left out. */
  private static void perCommand(Map<String, Long> before, Map<String, Long> after, double seconds, String suffix,
      Map<String, Double> f) {
    after.forEach((cmd, n) -> {
      long d = n - before.getOrDefault(cmd, 0L);
      if (d > 0 && !cmd.equals("info")) {
        f.put("redis_" + cmd.replace('|', '_') + "_per_s" + suffix, d / seconds);
      }
    });
  }

  /** Which close codes the server's closes carried (the last one per connection), as storm reports them. */
  private static void closeCodes(List<JsonObject> stats, Map<String, Double> f) {
    stats.forEach(o -> o.getJsonObject("closeCodes", new JsonObject())
        .forEach(e -> f.merge("server_closes_code_" + e.getKey(), ((Number) e.getValue()).doubleValue(), Double::sum)));
  }

  private List<GeneratorProcess> openIdentified(String server, int port, String transport, List<String> channels,
      int n, boolean personal, int k) {
    return openIdentified(server, port, transport, channels, n, personal, k, "u" + UNIQUE.incrementAndGet());
  }

  /** {@code n} identified subscribers spread over {@code k} generators, users {@code <base>-0} to {@code <base>-(n-1)}. */
  private List<GeneratorProcess> openIdentified(String server, int port, String transport, List<String> channels,
      int n, boolean personal, int k, String base) {
    List<CompletableFuture<JsonObject>> opening = new ArrayList<>();
    int from = 0;
    for (int g = 0; g < k; g++) {
      int count = n / k + (g < n % k ? 1 : 0);
      opening.add(gens.get(g).send(identifiedCommand(server, port, transport, channels, count, personal, base)
          .put("userFrom", from)));
      from += count;
    }
    checkOpened(opening, n);
    if (server.equals("nchan")) {
      ServerUnderTest.sleep(1000);
    }
    return gens.subList(0, k);
  }

  private static JsonObject identifiedCommand(String server, int port, String transport, List<String> channels,
      int count, boolean personal, String base) {
    return new JsonObject().put("cmd", "open").put("server", server).put("transport", transport)
        .put("host", ServerUnderTest.HOST).put("port", port).put("channels", new JsonArray(channels))
        .put("count", count).put("track", false).put("userBase", base).put("personal", personal);
  }

  /** A wait before idle is measured: past the opening's reads and a tail-check round (2 s); short in tiny runs. */
  private static long pastTheOpening(Settings.Shapes sh) {
    return (long) Math.min(2500, sh.idleSeconds() * 250);
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
      if (reportPending(r) > 0) {
        error = "pending " + r.getJsonObject("pendingStates").encode() + (error == null ? "" : "; " + error);
      }
    }
    if (opened < expected) {
      throw new IllegalStateException("opened " + opened + " of " + expected + " subscribers: " + error);
    }
  }

  /** The opens a generator gave up waiting for (see Generator.connectAll), logged with their states; how many. */
  private static long reportPending(JsonObject opened) {
    long pending = opened.getLong("pending", 0L);
    if (pending > 0) {
      System.err.println("bench: " + pending + " opens never completed: " + opened.getJsonObject("pendingStates").encode());
    }
    return pending;
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
