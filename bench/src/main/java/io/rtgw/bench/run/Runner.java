package io.rtgw.bench.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenario runner: {@code bench/run.sh [--quick|--smoke] [--rounds N] [--servers a,b] [--scenarios x,y]}.
 * Starts the generator processes on the load core, then for each round and each server (A B A B ...)
 * runs every scenario against a freshly started server pinned to the server core, and writes
 * {@code bench/results/<timestamp>.md} and {@code .json}.
 */
public final class Runner {

  private final Settings settings;
  private final List<String> serverPin;
  private final List<String> loadPin;
  private final Map<String, String> httpTransports = new LinkedHashMap<>();
  /** This run's log directory, set when it starts (the cluster scenario starts its own processes there). */
  private Path logDir;
  /** The smoke run's gateway on the Redis stores, shared by its Redis steps like {@code shared} by the others. */
  private ServerUnderTest sharedRedis;

  private Runner(Settings settings) {
    this.settings = settings;
    boolean pin = ServerUnderTest.onPath("taskset") && cores() >= 2;
    this.serverPin = pin ? List.of("taskset", "-c", "0") : List.of();
    this.loadPin = pin ? List.of("taskset", "-c", "1") : List.of();
  }

  public static void main(String[] args) throws IOException {
    Settings s = Settings.full();
    List<String> a = Arrays.asList(args);
    if (a.contains("--quick")) {
      s = Settings.quick();
    } else if (a.contains("--smoke")) {
      s = Settings.smoke(Settings.ROOT.resolve("bench/target/smoke"),
          List.of("-jar", Settings.ROOT.resolve("deploy/target/gateway.jar").toString()));
    }
    int rounds = s.rounds();
    List<String> servers = s.servers();
    List<String> scenarios = s.scenarios();
    for (int i = 0; i < args.length - 1; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--servers" -> servers = List.of(args[i + 1].split(","));
        case "--scenarios" -> scenarios = List.of(args[i + 1].split(","));
        default -> { }
      }
    }
    JsonObject results = run(s.with(rounds, servers, scenarios));
    System.out.println("results: " + results.getString("markdownFile"));
  }

  /** Runs everything the settings name; returns the results (also written to the output directory). */
  public static JsonObject run(Settings settings) throws IOException {
    return new Runner(settings).runAll();
  }

  private JsonObject runAll() throws IOException {
    String stamp = java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-');
    Path logDir = settings.logDir().resolve(stamp);
    this.logDir = logDir;
    Files.createDirectories(logDir);
    Files.createDirectories(settings.outputDir());
    JsonObject results = new JsonObject().put("started", java.time.Instant.now().toString())
        .put("machine", Machine.describe(serverPin, loadPin)).put("versions", Machine.versions())
        .put("settings", settings.toJson());
    JsonArray runs = new JsonArray();
    JsonObject skipped = new JsonObject();
    List<String> servers = new ArrayList<>();
    for (String name : settings.servers()) {
      String why = ServerUnderTest.unavailable(name);
      if (why == null) {
        servers.add(name);
      } else {
        skipped.put(name, why);
        log("skipping " + name + ": " + why);
      }
    }
    List<GeneratorProcess> gens = new ArrayList<>();
    // an interrupted run (Ctrl-C, kill) takes its servers and generators with it
    Thread cleanup = new Thread(() -> {
      ServerUnderTest.closeAll();
      ClusterUnderTest.closeAll();
      gens.forEach(GeneratorProcess::close);
    }, "bench-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      String cp = System.getProperty("java.class.path");
      for (int i = 0; i < settings.generators(); i++) {
        gens.add(new GeneratorProcess(i, "127.0.0." + (2 + i), loadPin, cp, logDir.resolve("generator-" + i + ".log")));
      }
      results.put("skipped", skipped).put("runs", runs);
      Scenarios scenarios = new Scenarios(settings, gens);
      for (int round = 1; round <= settings.rounds(); round++) {
        for (String server : servers) {
          // the smoke run shares one server across scenarios to stay short; measuring runs start each afresh
          ServerUnderTest shared = settings.freshServerPerScenario() ? null : startOrNull(server, logDir);
          try {
            for (Step step : steps(scenarios)) {
              runs.add(runStep(round, server, step, logDir, shared));
              // rewritten after every run, so a run cut short still leaves what it measured
              write(results.put("complete", false), stamp);
            }
          } finally {
            if (shared != null) {
              shared.close();
            }
            if (sharedRedis != null) {
              sharedRedis.close();
              sharedRedis = null;
            }
          }
        }
      }
    } finally {
      gens.forEach(GeneratorProcess::close);
      Runtime.getRuntime().removeShutdownHook(cleanup);
    }
    return write(results.put("complete", true), stamp);
  }

  private JsonObject write(JsonObject results, String stamp) throws IOException {
    results.put("finished", java.time.Instant.now().toString()).put("loadAtEnd", Machine.load())
        .put("httpTransports", new JsonObject(new LinkedHashMap<>(httpTransports)));
    Report.summarize(results, settings.servers());
    Path json = settings.outputDir().resolve(stamp + ".json");
    Path md = settings.outputDir().resolve(stamp + ".md");
    Files.writeString(json, results.encodePrettily());
    Files.writeString(md, Report.markdown(results));
    return results.put("markdownFile", md.toString()).put("jsonFile", json.toString());
  }

  /**
   * One scenario of one transport: what it is called, what it needs, and how it runs. {@code servers}: the
   * only servers it applies to (empty: all); {@code variant}: how the gateway is started for it
   * ({@code ""} as usual, {@code redis} on the Redis stores, {@code cluster}: the scenario starts its own).
   */
  private record Step(String key, String transport, boolean needsResume, ServerScenario body, List<String> servers,
      String variant) {
    Step(String key, String transport, boolean needsResume, ServerScenario body) {
      this(key, transport, needsResume, body, List.of(), "");
    }
  }

  private interface ServerScenario {
    Map<String, Double> run(ServerUnderTest s);
  }

  private List<Step> steps(Scenarios sc) {
    List<Step> steps = new ArrayList<>();
    List<String> transports = List.of("ws", "ws+deflate", "sse", "poll");
    for (String name : settings.scenarios()) {
      switch (name) {
        case "burst" -> transports.forEach(t -> steps.add(new Step("burst/" + t + " " + settings.burstSubscribers() + " subs x "
            + settings.burstMessages() + " msgs", t, false, s -> sc.burst(s, t))));
        case "steady" -> transports.forEach(t -> settings.steady().forEach(cfg -> steps.add(new Step("steady/" + t + " "
            + cfg[0] + " subs x " + cfg[1] + " msg/s", t, false, s -> sc.steady(s, t, cfg[0], cfg[1])))));
        case "memory" -> transports.forEach(t -> steps.add(new Step("memory/" + t + " idle", t, false, s -> sc.memory(s, t))));
        case "chat" -> WS.forEach(t -> steps.add(new Step("chat/" + t + " " + settings.chatRooms() + " rooms x "
            + settings.chatMembers() + " members x 1 msg/s", t, false, s -> sc.chat(s, t))));
        case "storm" -> WS.forEach(t -> steps.add(new Step("storm/" + t + " " + settings.stormClients() + " clients", t,
            true, s -> sc.storm(s, t))));
        case "idle-identified" -> idleIdentifiedSteps(sc, steps);
        case "direct" -> directSteps(sc, steps);
        // opt-in (--scenarios stall), the gateway only: the probe speaks its protocol
        case "stall" -> steps.add(new Step("stall/ws ping probe", "ws", false, sc::stall, List.of("gateway"), "shipped"));
        // opt-in (--scenarios hooks), the gateway only: it starts its own, with a publish hook configured
        case "hooks" -> hookSteps(steps);
        default -> throw new IllegalArgumentException("unknown scenario " + name + "; use " + Settings.ALL_SCENARIOS);
      }
    }
    // by hand, one step of a scenario again (e.g. BENCH_ONLY=cluster): the steps whose name holds it
    String only = System.getenv("BENCH_ONLY");
    if (only != null && !only.isBlank()) {
      steps.removeIf(step -> !step.key().contains(only));
    }
    return steps;
  }

  private static final List<String> WS = List.of("ws", "ws+deflate");

  /** Issue 15: identified idle connections, memory and Redis stores, then a cluster of connection processes. */
  private void idleIdentifiedSteps(Scenarios sc, List<Step> steps) {
    Settings.Shapes sh = settings.shapes();
    boolean smoke = settings.preset().equals("smoke");
    for (String t : WS) {
      String key = "idle-identified/" + t + " " + sh.idleUsers() + " users";
      steps.add(new Step(key, t, false, s -> sc.idleIdentified(s, t), List.of("gateway", "socketio"), ""));
      // the smoke run keeps its seconds: the compressed variants of what starts processes of its own are left out
      if (!smoke || t.equals("ws")) {
        steps.add(new Step(key + ", redis stores", t, false, s -> sc.idleIdentified(s, t), List.of("gateway"), "redis"));
        steps.add(new Step("idle-identified/" + t + " " + sh.clusterProcesses() + " x " + sh.clusterUsersPerProcess()
            + " users, cluster, redis stores", t, false, s -> sc.idleIdentifiedCluster(t, serverPin, logDir),
            List.of("gateway"), "cluster"));
      }
    }
  }

  /** Issue 15: direct messages to personal channels, memory and Redis stores, against Socket.IO and nchan. */
  private void directSteps(Scenarios sc, List<Step> steps) {
    Settings.Shapes sh = settings.shapes();
    boolean smoke = settings.preset().equals("smoke");
    for (String t : WS) {
      String key = "direct/" + t + " " + sh.directUsers() + " users";
      steps.add(new Step(key, t, false, s -> sc.direct(s, t), List.of("gateway", "socketio", "nchan"), ""));
      if (!smoke || t.equals("ws")) {
        steps.add(new Step(key + ", redis stores", t, false, s -> sc.direct(s, t), List.of("gateway"), "redis"));
      }
    }
  }

  /** Issue 16: CPU per client publish with and without a publish hook (HookCost). */
  private void hookSteps(List<Step> steps) {
    int publishes = switch (settings.preset()) {
      case "smoke" -> 400;
      case "quick" -> 20_000;
      default -> 40_000;
    };
    int rounds = settings.preset().equals("full") ? 5 : settings.preset().equals("quick") ? 3 : 1;
    steps.add(new Step("hooks/ws publish, no hook vs an HTTP publish hook", "ws", false,
        s -> HookCost.run(settings, serverPin, logDir, publishes, rounds), List.of("gateway"), "hooks"));
  }

  private ServerUnderTest startOrNull(String server, Path logDir) {
    try {
      return ServerUnderTest.start(server, settings, serverPin, logDir);
    } catch (IOException e) {
      log("could not start " + server + ": " + e.getMessage());
      return null;
    }
  }

  private JsonObject runStep(int round, String server, Step step, Path logDir, ServerUnderTest shared) {
    JsonObject run = new JsonObject().put("round", round).put("server", server).put("scenario", step.key())
        .put("load", Machine.load());
    String why = !step.servers().isEmpty() && !step.servers().contains(server)
        ? "this scenario runs on " + String.join(", ", step.servers()) + " only"
        : step.variant().isEmpty() ? unsupported(server, step.transport(), logDir, shared)
        : step.variant().equals("hooks") || step.variant().equals("shipped") ? null : RedisServer.unavailable();
    if (why != null) {
      return run.put("status", "not available").put("note", why);
    }
    long start = System.nanoTime();
    log("round " + round + " " + server + " " + step.key() + " (load " + run.getString("load") + ")");
    ServerUnderTest s = null;
    try {
      if (shared != null && step.variant().equals("redis") && sharedRedis == null) {
        sharedRedis = ServerUnderTest.start(server, settings, serverPin, logDir, true);
      }
      s = step.variant().equals("cluster") || step.variant().equals("hooks") ? null
          : shared != null && step.variant().isEmpty() ? shared
          : shared != null && step.variant().equals("redis") ? sharedRedis
          : step.variant().equals("shipped") ? ServerUnderTest.startAsShipped(server, settings, serverPin, logDir)
          : ServerUnderTest.start(server, settings, serverPin, logDir, step.variant().equals("redis"));
      Map<String, Double> figures = step.body().run(s);
      JsonObject f = new JsonObject();
      figures.forEach(f::put);
      run.put("status", "ok").put("figures", f);
      if (step.needsResume() && server.equals("floor")) {
        run.put("note", "the floor has no history: a dropped client cannot resume, so losses are expected");
      }
      log("  " + f.encode());
    } catch (IOException | RuntimeException e) {
      run.put("status", "failed").put("note", String.valueOf(e.getMessage()));
      log("  failed: " + e);
    } finally {
      if (s != null && s != shared && s != sharedRedis) {
        s.close();
      }
    }
    return run.put("seconds", (System.nanoTime() - start) / 1e9);
  }

  /** Why {@code server} cannot run {@code transport}, or null. The gateway's HTTP transports are probed once. */
  private String unsupported(String server, String transport, Path logDir, ServerUnderTest shared) {
    if (transport.startsWith("ws")) {
      return null;
    }
    return switch (server) {
      case "nchan" -> null;
      case "gateway" -> {
        String why = httpTransports.containsKey(transport) ? httpTransports.get(transport)
            : probeGateway(transport, logDir, shared);
        yield why.isEmpty() ? null : why;
      }
      // Socket.IO long-polls (Engine.IO polling, its original transport) but has no Server-Sent Events
      case "socketio" -> transport.equals("poll") ? null : noTransport(server, transport);
      default -> noTransport(server, transport);
    };
  }

  private static String noTransport(String server, String transport) {
    return server + " offers no " + (transport.equals("sse") ? "Server-Sent Events" : "long polling")
        + " transport in this benchmark";
  }

  /** Asks a gateway (the shared one, or one started for this) about both HTTP transports: "" (available) or why not. */
  private String probeGateway(String transport, Path logDir, ServerUnderTest shared) {
    try (ServerUnderTest started = shared == null ? ServerUnderTest.start("gateway", settings, serverPin, logDir) : null) {
      ServerUnderTest s = shared == null ? started : shared;
      for (String t : List.of("sse", "poll")) {
        String uri = t.equals("sse") ? "/sse?channel=feed:probe" : "/poll?channel=feed:probe";
        int status = s.status(uri);
        httpTransports.putIfAbsent(t, status == 200 ? "" : "GET " + uri.substring(0, uri.indexOf('?')) + " answered "
            + status + " (the endpoint is not in this build)");
      }
      return httpTransports.get(transport);
    } catch (IOException e) {
      return "could not probe: " + e.getMessage();
    }
  }

  private static int cores() {
    try {
      return (int) Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
    } catch (IOException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  static void log(String line) {
    System.err.println(java.time.LocalTime.now().withNano(0) + " bench: " + line);
  }
}
