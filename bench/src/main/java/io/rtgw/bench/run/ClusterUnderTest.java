package io.rtgw.bench.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as a cluster on this box, the way deploy/local/cluster.sh runs one: a private
 * redis-server, one core process ({@code conf/core.json}: fanout, history, presence) and N connection
 * processes ({@code conf/connection.json}), each its own JVM on loopback, Hazelcast and the event bus on
 * free ports, a cluster name of its own (other clusters on the machine are not joined). All pinned to the
 * server core, like every server here; measured from outside like {@link ServerUnderTest}.
 */
final class ClusterUnderTest implements AutoCloseable {

  private static final Duration READY_WITHIN = Duration.ofSeconds(180);
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  final RedisServer redis;
  /** HTTP ports of the connection processes, in start order. */
  final List<Integer> ports = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final List<Process> connectionProcesses = new ArrayList<>();

  private static final java.util.Set<ClusterUnderTest> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private ClusterUnderTest(RedisServer redis) {
    this.redis = redis;
    RUNNING.add(this);
  }

  /** Stops every cluster still running, e.g. when the runner is interrupted. */
  static void closeAll() {
    for (ClusterUnderTest c : RUNNING.toArray(new ClusterUnderTest[0])) {
      c.close();
    }
  }

  static ClusterUnderTest start(int connections, Settings settings, List<String> pin, Path logDir) throws IOException {
    ClusterUnderTest c = new ClusterUnderTest(RedisServer.start(pin, logDir));
    try {
      int members = connections + 1;
      int[] clusterPorts = new int[members];
      int[] busPorts = new int[members];
      List<String> list = new ArrayList<>();
      for (int k = 0; k < members; k++) {
        clusterPorts[k] = ServerUnderTest.freePort();
        busPorts[k] = ServerUnderTest.freePort();
        list.add(ServerUnderTest.HOST + ":" + clusterPorts[k]);
      }
      String name = "rtgw-bench-" + c.redis.port;
      // the core first and alone, so the connection processes join its cluster instead of forming several
      Path coreLog = logDir.resolve("cluster-" + c.redis.port + "-core.log");
      // the core has no client port and no probes: its management port (metrics.port) serves /metrics once started
      int corePort = ServerUnderTest.freePort();
      c.processes.add(c.launch("core", Map.of("GATEWAY_METRICS_PORT", String.valueOf(corePort)), settings, pin, coreLog,
          name, list, clusterPorts[0], busPorts[0]));
      c.awaitReady(c.processes.get(0), corePort, "/metrics");
      for (int k = 1; k < members; k++) {
        int port = ServerUnderTest.freePort();
        Map<String, String> env = new java.util.HashMap<>();
        env.put("GATEWAY_HTTP_HOST", ServerUnderTest.HOST);
        env.put("GATEWAY_HTTP_PORT", String.valueOf(port));
        // identity as standalone has it: ?user= (the role file leaves it off, as production should)
        env.put("GATEWAY_IDENTITY_ALLOW_USER_PARAM", "true");
        env.put("GATEWAY_HTTP_DRAIN_MS", "500");
        ServerUnderTest.withoutClientLimits(env);
        Process p = c.launch("connection", env, settings, pin, logDir.resolve("cluster-" + c.redis.port + "-connection-"
            + k + ".log"), name, list, clusterPorts[k], busPorts[k]);
        c.processes.add(p);
        c.connectionProcesses.add(p);
        c.ports.add(port);
      }
      for (int i = 0; i < c.ports.size(); i++) {
        c.awaitReady(c.connectionProcesses.get(i), c.ports.get(i), "/health/ready");
      }
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private Process launch(String role, Map<String, String> extra, Settings settings, List<String> pin, Path log,
      String name, List<String> members, int clusterPort, int busPort) throws IOException {
    List<String> cmd = new ArrayList<>(pin);
    cmd.add(GeneratorProcess.javaBin());
    cmd.addAll(settings.serverJvmFlags());
    cmd.addAll(settings.gatewayLaunch());
    cmd.add("conf/" + role + ".json");
    // the role files name conf/cluster.xml relative to the checkout's root
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(Settings.ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("GATEWAY_REDIS_ENDPOINT", redis.endpoint());
    env.put("GATEWAY_CLUSTER_NAME", name);
    env.put("GATEWAY_CLUSTER_HOST", ServerUnderTest.HOST);
    env.put("GATEWAY_CLUSTER_PORT", String.valueOf(clusterPort));
    env.put("GATEWAY_CLUSTER_BUS_PORT", String.valueOf(busPort));
    env.put("GATEWAY_CLUSTER_MEMBERS", String.join(",", members));
    env.putAll(extra);
    return pb.start();
  }

  /** A process is ready when {@code path} answers 200 (/health/ready of a connection process: listening, joined, history and presence within reach). */
  private void awaitReady(Process p, int port, String path) throws IOException {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("the cluster process probed on " + port + " exited at start");
      }
      try {
        HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ServerUnderTest.HOST + ":" + port
            + path)).timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
      ServerUnderTest.sleep(200);
    }
    throw new IOException("the cluster process probed on " + port + " was not ready within " + READY_WITHIN.toSeconds() + " s");
  }

  /** CPU time of every gateway process together (Redis apart), in milliseconds. */
  long cpuMillis() {
    return processes.stream().mapToLong(p -> ServerUnderTest.cpuTicks(p.pid())).sum() * 1000 / ServerUnderTest.CLOCK_TICKS;
  }

  /** Connection processes first (they drain), then the core, then Redis: the order cluster.sh stops them in. */
  @Override
  public void close() {
    RUNNING.remove(this);
    stop(connectionProcesses);
    stop(processes.stream().filter(p -> !connectionProcesses.contains(p)).toList());
    redis.close();
  }

  private static void stop(List<Process> group) {
    group.forEach(Process::destroy);
    for (Process p : group) {
      try {
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
