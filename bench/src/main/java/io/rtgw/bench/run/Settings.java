package io.rtgw.bench.run;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * How big and how long every scenario is, and what runs. Three presets: {@link #full()} is the issue's
 * numbers, {@link #quick()} a few minutes' look, {@link #smoke()} the test suite's seconds-long run.
 */
public record Settings(
    String preset,
    int rounds,
    int generators,
    List<String> servers,
    List<String> scenarios,
    int burstSubscribers,
    int burstMessages,
    List<int[]> steady,
    double warmupSeconds,
    double measureSeconds,
    List<Integer> memoryCounts,
    int chatRooms,
    int chatMembers,
    double chatSeconds,
    int stormClients,
    int stormChannels,
    double stormRate,
    double stormSeconds,
    double stormDropAt,
    List<String> serverJvmFlags,
    List<String> gatewayLaunch,
    boolean freshServerPerScenario,
    long gcPauseMs,
    long quietMs,
    Path outputDir,
    Path logDir,
    Shapes shapes) {

  /**
   * Issue 15's shapes. Idle identified: {@code idleUsers} identified WebSocket connections per process,
   * each with its personal channel and one of {@code idleChannels} shared channels, measured idle for
   * {@code idleSeconds}; then {@code clusterProcesses} connection processes of {@code clusterUsersPerProcess}
   * each, with a {@code streamRate}/s stream to one shared channel for {@code streamSeconds}. Direct:
   * {@code directUsers} users on their personal channels, {@code directRates} publishes/s for
   * {@code directStepSeconds} each, until p99 passes {@code directP99LimitMs}.
   */
  public record Shapes(int idleUsers, int idleChannels, double idleSeconds, int clusterProcesses,
      int clusterUsersPerProcess, double streamRate, double streamSeconds, int directUsers, List<Integer> directRates,
      double directStepSeconds, double directP99LimitMs) {

    JsonObject toJson() {
      return new JsonObject().put("idleUsers", idleUsers).put("idleChannels", idleChannels).put("idleSeconds", idleSeconds)
          .put("clusterProcesses", clusterProcesses).put("clusterUsersPerProcess", clusterUsersPerProcess)
          .put("streamRate", streamRate).put("streamSeconds", streamSeconds).put("directUsers", directUsers)
          .put("directRates", directRates).put("directStepSeconds", directStepSeconds)
          .put("directP99LimitMs", directP99LimitMs);
    }
  }

  /** The checkout's root: bench/run.sh runs from there; the smoke test, from bench/, sets {@code rtgw.root}. */
  public static final Path ROOT = Path.of(System.getProperty("rtgw.root", ".")).toAbsolutePath().normalize();
  public static final List<String> ALL_SERVERS = List.of("gateway", "socketio", "nchan", "floor");
  public static final List<String> ALL_SCENARIOS = List.of("burst", "steady", "memory", "chat", "storm",
      "idle-identified", "direct");
  /** The same for the gateway and the floor: a growing heap that shrinks back after a full GC. */
  public static final List<String> JVM_FLAGS = List.of("-Xms64m", "-Xmx2g", "-XX:+UseG1GC",
      "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20");

  /**
   * The gateway as deploy/Dockerfile and deploy/k8s ship it: its {@code JAVA_TOOL_OPTIONS}, with the heap
   * the pod's 1 GiB limit gives ({@code MaxRAMPercentage=75}), stated outright since this machine is not
   * that pod. The stall probe runs on these: a real-time node is run for latency, not for the least RSS.
   */
  public static final List<String> PRODUCTION_JVM_FLAGS = List.of("-Xmx768m", "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=10", "-XX:+ExitOnOutOfMemoryError");

  public static Settings full() {
    return new Settings("full", 3, 4, ALL_SERVERS, ALL_SCENARIOS, 1000, 1000,
        List.of(new int[] {1000, 100}, new int[] {10_000, 10}), 2, 8, List.of(1000, 10_000, 19_000),
        1000, 10, 10, 5000, 10, 5, 10, 2, JVM_FLAGS, List.of("-jar", "deploy/target/gateway.jar"),
        true, 1000, 2000, ROOT.resolve("bench/results"), ROOT.resolve("bench/target/logs"),
        new Shapes(19_000, 100, 30, 3, 19_000, 50, 30, 10_000, List.of(500, 1000, 2000, 4000, 8000), 5, 100));
  }

  public static Settings quick() {
    return new Settings("quick", 1, 4, ALL_SERVERS, ALL_SCENARIOS, 1000, 1000,
        List.of(new int[] {1000, 100}), 1, 4, List.of(1000, 5000),
        200, 10, 4, 1000, 10, 5, 5, 1.5, JVM_FLAGS, List.of("-jar", "deploy/target/gateway.jar"),
        true, 1000, 2000, ROOT.resolve("bench/results"), ROOT.resolve("bench/target/logs"),
        new Shapes(2000, 100, 10, 3, 1000, 50, 10, 2000, List.of(250, 500, 1000, 2000, 4000), 3, 100));
  }

  public static Settings smoke(Path out, List<String> gatewayLaunch) {
    return new Settings("smoke", 1, 2, ALL_SERVERS, ALL_SCENARIOS, 20, 20,
        List.of(new int[] {20, 20}), 0.2, 0.7, List.of(40),
        4, 3, 1, 40, 2, 10, 1.5, 0.5, JVM_FLAGS, gatewayLaunch, false, 100, 1500, out, out.resolve("logs"),
        new Shapes(20, 2, 1, 1, 10, 20, 1, 20, List.of(50), 0.5, 100));
  }

  public Settings with(int rounds, List<String> servers, List<String> scenarios) {
    return new Settings(preset, rounds, generators, servers, scenarios, burstSubscribers, burstMessages, steady,
        warmupSeconds, measureSeconds, memoryCounts, chatRooms, chatMembers, chatSeconds, stormClients,
        stormChannels, stormRate, stormSeconds, stormDropAt, serverJvmFlags, gatewayLaunch, freshServerPerScenario,
        gcPauseMs, quietMs, outputDir, logDir, shapes);
  }

  JsonObject toJson() {
    JsonObject o = new JsonObject().put("preset", preset).put("rounds", rounds).put("generators", generators)
        .put("servers", servers).put("scenarios", scenarios)
        .put("burst", new JsonObject().put("subscribers", burstSubscribers).put("messages", burstMessages))
        .put("warmupSeconds", warmupSeconds).put("measureSeconds", measureSeconds)
        .put("memoryCounts", memoryCounts)
        .put("chat", new JsonObject().put("rooms", chatRooms).put("members", chatMembers).put("seconds", chatSeconds)
            .put("ratePerMember", 1))
        .put("storm", new JsonObject().put("clients", stormClients).put("channels", stormChannels)
            .put("ratePerChannel", stormRate).put("seconds", stormSeconds).put("dropAt", stormDropAt))
        .put("shapes", shapes.toJson()).put("serverJvmFlags", serverJvmFlags).put("freshServerPerScenario", freshServerPerScenario).put("payloadBytes", io.rtgw.bench.Payload.SIZE);
    io.vertx.core.json.JsonArray steadyJson = new io.vertx.core.json.JsonArray();
    steady.forEach(s -> steadyJson.add(new JsonObject().put("subscribers", s[0]).put("ratePerSecond", s[1])));
    return o.put("steady", steadyJson);
  }
}
