package io.rtgw.deploy.fault;

import io.rtgw.testkit.Ports;
import io.rtgw.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real cluster of gateway processes on loopback for fault tests, as {@code deploy/local/cluster.sh}
 * runs one: a private {@code redis-server} (free port, no persistence, so a restart comes back empty)
 * and one JVM per tier process from {@code deploy/target/gateway.jar} with a role file from {@code conf/}.
 * Every process gets its own Hazelcast and event-bus ports, the full members list and a cluster name
 * unique to this run, so parallel runs on one machine never meet. Each node knows its PID and log file and
 * can be killed (SIGKILL), frozen (SIGSTOP), thawed (SIGCONT), stopped (SIGTERM) and started again on the
 * same ports; {@link #close()} kills whatever is left.
 *
 * <pre>{@code
 * try (ProcessCluster cluster = ProcessCluster.builder("presence-kill")
 *     .nodes("core", 1).nodes("connection", 2).env("GATEWAY_HTTP_DRAIN_MS", "1000").start()) {
 *   int port = cluster.node("connection-1").httpPort();
 *   cluster.node("connection-2").kill9();
 * }
 * }</pre>
 */
public final class ProcessCluster implements AutoCloseable {

  /** The repository root: Failsafe runs in deploy/, and the role files name {@code conf/cluster.xml}. */
  public static final Path ROOT = Path.of("").toAbsolutePath().getFileName().toString().equals("deploy")
      ? Path.of("..").toAbsolutePath().normalize() : Path.of("").toAbsolutePath();
  public static final Path JAR = ROOT.resolve("deploy/target/gateway.jar");
  /** The flags the jar's manifest cannot carry for every JVM, as the brief for these tests gives them. */
  public static final List<String> JVM_FLAGS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");
  /**
   * Small heaps, the serial collector and C1 only: up to ten of these JVMs share two cores, and the
   * optimising compiler's threads would make every start and restart of a node slower (speed is
   * measured in bench/, not here).
   */
  public static final List<String> HEAP_FLAGS = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  /** SIGTERM first; SIGKILL once this is over (a connection node drains for http.drainMs first). */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private static final List<String> START_ORDER = List.of("history", "presence", "core", "fanout", "connection");

  private final String clusterName;
  private final Path dir;
  private final RedisServer redis;
  private final Map<String, Node> nodes = new LinkedHashMap<>();

  private ProcessCluster(String clusterName, Path dir, RedisServer redis) {
    this.clusterName = clusterName;
    this.dir = dir;
    this.redis = redis;
  }

  public static Builder builder(String label) {
    return new Builder(label);
  }

  /** The processes to run, in the names cluster.sh gives them: connection-1.., fanout-1.., core-1... */
  public static final class Builder {

    private final String label;
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> roleEnv = new LinkedHashMap<>();
    private List<String> jvmFlags = HEAP_FLAGS;

    private Builder(String label) {
      this.label = label;
    }

    /** {@code n} processes started from {@code conf/<role>.json} (connection, fanout, history, presence, core). */
    public Builder nodes(String role, int n) {
      if (!START_ORDER.contains(role)) {
        throw new IllegalArgumentException("no role file conf/" + role + ".json; one of " + START_ORDER);
      }
      counts.merge(role, n, Integer::sum);
      return this;
    }

    /** A {@code GATEWAY_*} override for every process. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    /** A {@code GATEWAY_*} override for the processes of one role. */
    public Builder env(String role, String name, String value) {
      roleEnv.computeIfAbsent(role, r -> new LinkedHashMap<>()).put(name, value);
      return this;
    }

    /** Replaces {@link #HEAP_FLAGS} (the JVM_FLAGS always go on). */
    public Builder jvmFlags(List<String> flags) {
      this.jvmFlags = List.copyOf(flags);
      return this;
    }

    /**
     * Starts Redis, then the first process alone (so that the others join its cluster rather than
     * several forming at once), then the rest together; returns when every one is ready. On failure
     * everything started is killed and the logs are printed.
     */
    public ProcessCluster start() {
      if (!Files.isRegularFile(JAR)) {
        throw new IllegalStateException(JAR + " is missing: run mvn package (Failsafe runs after it)");
      }
      Path dir;
      try {
        dir = Files.createTempDirectory("rtgw-fault-" + label + "-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String name = "rtgw-fault-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
      ProcessCluster cluster = new ProcessCluster(name, dir, RedisServer.start());
      try {
        List<Node> all = new ArrayList<>();
        for (String role : START_ORDER) {
          for (int i = 1; i <= counts.getOrDefault(role, 0); i++) {
            all.add(new Node(cluster, role + "-" + i, role, role.equals("connection") ? freePort() : -1,
                freePort(), freePort(), jvmFlags));
          }
        }
        if (all.isEmpty()) {
          throw new IllegalArgumentException("a cluster needs at least one process");
        }
        String members = all.stream().map(n -> "127.0.0.1:" + n.clusterPort).collect(Collectors.joining(","));
        for (Node n : all) {
          n.env.put("GATEWAY_REDIS_ENDPOINT", cluster.redis.endpoint());
          n.env.put("GATEWAY_CLUSTER_NAME", name);
          n.env.put("GATEWAY_CLUSTER_HOST", "127.0.0.1");
          n.env.put("GATEWAY_CLUSTER_PORT", String.valueOf(n.clusterPort));
          n.env.put("GATEWAY_CLUSTER_BUS_PORT", String.valueOf(n.busPort));
          n.env.put("GATEWAY_CLUSTER_MEMBERS", members);
          if (n.httpPort > 0) {
            n.env.put("GATEWAY_HTTP_HOST", "127.0.0.1");
            n.env.put("GATEWAY_HTTP_PORT", String.valueOf(n.httpPort));
          }
          // 8 s rather than the default 5: on a 2-core machine shared with other test runs, the work that
          // follows a member's removal (partition migration, every node's subscription cleanup) or a few
          // seconds of steal time delayed healthy members' heartbeats by 5-6 s now and then, and the cluster
          // dropped one of them; what a test is about then drowns in a merge
          n.env.put("GATEWAY_CLUSTER_MAX_NO_HEARTBEAT_SECONDS", "8");
          n.env.putAll(env);
          n.env.putAll(roleEnv.getOrDefault(n.role, Map.of()));
          cluster.nodes.put(n.name, n);
        }
        long started = System.nanoTime();
        all.get(0).launch();
        all.get(0).awaitFirstStart();
        all.subList(1, all.size()).forEach(Node::launch);
        all.subList(1, all.size()).forEach(Node::awaitFirstStart);
        System.out.printf("[%s] %d processes ready in %d ms: %s%n", label, all.size(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
            all.stream().map(n -> n.name + " pid " + n.pid() + (n.httpPort > 0 ? " http " + n.httpPort : ""))
                .collect(Collectors.joining(", ")));
        return cluster;
      } catch (RuntimeException | Error e) {
        cluster.printLogs(40);
        cluster.close();
        throw e;
      }
    }
  }

  /** One gateway JVM: its role, ports, environment, PID and log. */
  public static final class Node {

    private final ProcessCluster cluster;
    private final String name;
    private final String role;
    private volatile int httpPort;
    private final int clusterPort;
    private int busPort;
    private final List<String> jvmFlags;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Path log;
    private volatile Process process;
    private int starts;

    private Node(ProcessCluster cluster, String name, String role, int httpPort, int clusterPort, int busPort,
        List<String> jvmFlags) {
      this.cluster = cluster;
      this.name = name;
      this.role = role;
      this.httpPort = httpPort;
      this.clusterPort = clusterPort;
      this.busPort = busPort;
      this.jvmFlags = jvmFlags;
      this.log = cluster.dir.resolve(name + ".log");
    }

    public String name() {
      return name;
    }

    public String role() {
      return role;
    }

    /** The HTTP port of a connection node, -1 for the other roles. */
    public int httpPort() {
      return httpPort;
    }

    public long pid() {
      Process p = process;
      return p == null ? -1 : p.pid();
    }

    public boolean isAlive() {
      Process p = process;
      return p != null && p.isAlive();
    }

    public Path log() {
      return log;
    }

    /** Everything this node (in all its runs) wrote to stdout and stderr. */
    public String logText() {
      try {
        return Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      } catch (IOException e) {
        return "(cannot read " + log + ": " + e.getMessage() + ")";
      }
    }

    /** SIGKILL, waiting until the process is gone: a crash, no drain, no goodbye to the cluster. */
    public void kill9() {
      Process p = process;
      if (p != null) {
        signal("CONT");
        p.destroyForcibly();
        awaitExit(p, Duration.ofSeconds(10));
      }
    }

    /** SIGSTOP: the process keeps its sockets but runs nothing, like a long GC pause or a frozen VM. */
    public void freeze() {
      signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() {
      signal("CONT");
    }

    /** SIGTERM without waiting: the node drains (connection tier first) and exits by itself. */
    public void terminate() {
      Process p = process;
      if (p != null) {
        p.destroy();
      }
    }

    /** SIGTERM, then waits for the exit; SIGKILL once {@link #STOP_TIMEOUT} is over. Returns the exit code. */
    public int stop() {
      Process p = process;
      if (p == null) {
        return -1;
      }
      p.destroy();
      if (!awaitExit(p, STOP_TIMEOUT)) {
        System.out.printf("%s did not stop within %s of SIGTERM; killed%n", name, STOP_TIMEOUT);
        p.destroyForcibly();
        awaitExit(p, Duration.ofSeconds(10));
      }
      return p.isAlive() ? -1 : p.exitValue();
    }

    /** Waits up to {@code within} for the process to exit by itself; true when it did. */
    public boolean awaitExit(Duration within) {
      Process p = process;
      return p == null || awaitExit(p, within);
    }

    /** Starts the node again (same ports, same environment) and waits until it is ready. */
    public void restart() {
      if (isAlive()) {
        throw new IllegalStateException(name + " is still running (pid " + pid() + "); stop or kill it first");
      }
      launch();
      awaitReady();
    }

    private void launch() {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(jvmFlags);
      cmd.addAll(JVM_FLAGS);
      cmd.addAll(List.of("-jar", JAR.toString(), "conf/" + role + ".json"));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      // the test JVM's own GATEWAY_* variables are not this node's: only what the cluster sets reaches it
      pb.environment().keySet().removeIf(k -> k.startsWith("GATEWAY_"));
      pb.environment().putAll(env);
      try {
        Files.writeString(log, "=== start " + (++starts) + " of " + name + ": " + String.join(" ", cmd) + "\n",
            StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = pb.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name, e);
      }
    }

    /**
     * Waits for the first start; when another process took one of the ports between choosing and
     * binding it (other test runs share the machine), starts again on new HTTP and event-bus ports.
     * Hazelcast's own port needs no retry: it moves to the next free one by itself.
     */
    private void awaitFirstStart() {
      for (int attempt = 1; ; attempt++) {
        try {
          awaitReady();
          return;
        } catch (IllegalStateException e) {
          String text = logText();
          String thisRun = text.substring(Math.max(0, text.lastIndexOf("=== start " + starts + " of ")));
          if (attempt == 3 || isAlive() || !thisRun.contains("already in use")) {
            throw e;
          }
          if (httpPort > 0) {
            httpPort = freePort();
            env.put("GATEWAY_HTTP_PORT", String.valueOf(httpPort));
          }
          busPort = freePort();
          env.put("GATEWAY_CLUSTER_BUS_PORT", String.valueOf(busPort));
          System.out.printf("%s: a port was taken before it was bound; starting again on http %d, bus %d%n", name, httpPort, busPort);
          launch();
        }
      }
    }

    /**
     * Connection nodes: {@code /health/ready} answers 200 (cluster joined, history and presence
     * reachable). The other roles serve no HTTP: the launcher's start line of this run.
     */
    private void awaitReady() {
      long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
      int run = starts;
      while (true) {
        Process p = process;
        if (!p.isAlive()) {
          throw new IllegalStateException(name + " exited with " + p.exitValue() + " while starting; its log:\n"
              + tail(logText(), 40));
        }
        if (ready(run)) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(name + " was not ready within " + READY_TIMEOUT + "; its log:\n" + tail(logText(), 40));
        }
        sleep(200);
      }
    }

    private boolean ready(int run) {
      if (httpPort > 0) {
        return cluster.probe(httpPort) == 200;
      }
      String text = logText();
      int at = text.lastIndexOf("=== start " + run + " of ");
      return at >= 0 && text.indexOf("rtgw started", at) >= 0;
    }

    /** The status of {@code /health/ready} now, 0 when it does not answer. */
    public int readiness() {
      return httpPort > 0 ? cluster.probe(httpPort) : 0;
    }

    private void signal(String signal) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        return;
      }
      try {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).redirectErrorStream(true).start();
        kill.waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot send SIG" + signal + " to " + name, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static boolean awaitExit(Process p, Duration within) {
      try {
        return p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    @Override
    public String toString() {
      return name + " (pid " + pid() + (httpPort > 0 ? ", http " + httpPort : "") + ")";
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private int probe(int port) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
          .timeout(Duration.ofSeconds(2)).GET().build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  public Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no process " + name + "; there are " + nodes.keySet());
    }
    return n;
  }

  /** All processes of a role, in name order. */
  public List<Node> nodes(String role) {
    return nodes.values().stream().filter(n -> n.role.equals(role)).toList();
  }

  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  /** The HTTP ports of the connection nodes, connection-1 first. */
  public List<Integer> connectionPorts() {
    return nodes("connection").stream().map(Node::httpPort).toList();
  }

  /** The private Redis: {@code stop()} kills it, {@code restart()} brings it back empty on the same port. */
  public RedisServer redis() {
    return redis;
  }

  public String clusterName() {
    return clusterName;
  }

  /** Where the logs are. */
  public Path dir() {
    return dir;
  }

  /** The last {@code lines} of every process's log, to System.out: what a failing test shows. */
  public void printLogs(int lines) {
    for (Node n : nodes.values()) {
      System.out.printf("----- %s, last %d lines of %s%n%s%n", n, lines, n.log, tail(n.logText(), lines));
    }
  }

  /**
   * The last {@code max} WARN and ERROR lines of all processes, in time order, each after its process's
   * name: a digest short enough for an assertion's message, which is often all a CI summary keeps.
   */
  public String warnings(int max) {
    List<String> lines = new ArrayList<>();
    for (Node n : nodes.values()) {
      for (String line : n.logText().split("\n")) {
        if (line.contains(" WARN ") || line.contains(" ERROR ")) {
          // ISO timestamps first on every line: sorting the lines sorts them in time
          lines.add((line.length() > 300 ? line.substring(0, 300) + "..." : line) + "  <" + n.name() + ">");
        }
      }
    }
    java.util.Collections.sort(lines);
    List<String> last = lines.subList(Math.max(0, lines.size() - max), lines.size());
    return last.isEmpty() ? "(no process logged a warning)" : lines.size() + " warnings, the last " + last.size() + ":\n" + String.join("\n", last);
  }

  /** Removes the log directory: for a run whose logs nobody needs (see {@link ClusterExtension}). */
  public void deleteLogs() {
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover log in the temp directory is harmless
    }
  }

  /** Stops every process: SIGCONT (a frozen one cannot exit), SIGKILL, and Redis last. Logs stay. */
  @Override
  public void close() {
    List<CompletableFuture<Void>> gone = new ArrayList<>();
    for (Node n : nodes.values()) {
      gone.add(CompletableFuture.runAsync(n::kill9));
    }
    gone.forEach(CompletableFuture::join);
    redis.close();
  }

  /**
   * A free loopback port below the kernel's ephemeral range (32768 and up on Linux), so that the
   * outgoing connections of the many clients on this machine cannot take it before the node binds it.
   */
  static int freePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(15_000, 32_000);
      try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException e) {
        // taken: try another
      }
    }
    return Ports.free();
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n", -1);
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
