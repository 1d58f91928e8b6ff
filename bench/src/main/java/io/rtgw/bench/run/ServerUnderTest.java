package io.rtgw.bench.run;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One running server: the gateway, a peer or the floor, started pinned to the server core on a free
 * loopback port, and measured from outside (resident memory of its process tree, a full GC on demand).
 */
final class ServerUnderTest implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  private static final java.util.Set<ServerUnderTest> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  final String name;
  final int port;
  private final Process process;
  private final boolean jvm;
  /** The gateway's redis-server when it runs on the Redis stores, else null. */
  private RedisServer redis;
  /** Where its JVM logs safepoints, when {@link #startAsShipped} started it; else null. */
  Path safepointLog;
  /** Its standard output and error. */
  Path log;
  /** What {@link #startAsShipped} has the gateway report as a long event-loop task. */
  static final long LONG_TASK_MS = 10;

  private ServerUnderTest(String name, int port, Process process, boolean jvm) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.jvm = jvm;
  }

  RedisServer redis() {
    return redis;
  }

  /** Why {@code name} cannot run here, or null if it can. */
  static String unavailable(String name) {
    return switch (name) {
      case "gateway", "floor" -> null;
      case "socketio" -> !onPath("node") ? "node is not installed"
          : !Files.isDirectory(Settings.ROOT.resolve("bench/peers/socketio/node_modules/socket.io"))
              ? "bench/peers/socketio has no node_modules (run npm ci there)" : null;
      case "nchan" -> !onPath("nginx") ? "nginx is not installed"
          : !Files.exists(Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so")) ? "libnginx-mod-nchan is not installed"
          : null;
      default -> "unknown server " + name;
    };
  }

  static boolean onPath(String bin) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, bin))) {
        return true;
      }
    }
    return false;
  }

  static ServerUnderTest start(String name, Settings settings, List<String> pin, Path logDir) throws IOException {
    return start(name, settings, pin, logDir, false, Map.of());
  }

  /** {@code redisStores}: the gateway's history and presence on a redis-server started for it (pinned alike). */
  static ServerUnderTest start(String name, Settings settings, List<String> pin, Path logDir, boolean redisStores)
      throws IOException {
    return start(name, settings, pin, logDir, redisStores, Map.of());
  }

  /** {@code env}: more environment for the server, e.g. the gateway's Redis store. */
  static ServerUnderTest start(String name, Settings settings, List<String> pin, Path logDir, Map<String, String> env)
      throws IOException {
    return start(name, settings, pin, logDir, false, env);
  }

  static ServerUnderTest start(String name, Settings settings, List<String> pin, Path logDir, boolean redisStores,
                               Map<String, String> extraEnv)
      throws IOException {
    return start(name, settings, pin, logDir, redisStores, extraEnv, settings.serverJvmFlags());
  }

  /**
   * The gateway as it is shipped ({@link Settings#PRODUCTION_JVM_FLAGS}: the Dockerfile's flags, the pod's
   * heap) instead of the memory scenario's shrinking heap, with its JVM logging every safepoint (epoch-ms
   * stamps) to {@link #safepointLog}: the stall probe lays its slow answers beside them.
   */
  static ServerUnderTest startAsShipped(String name, Settings settings, List<String> pin, Path logDir) throws IOException {
    Path safepoints = logDir.resolve(name + "-safepoints-" + System.currentTimeMillis() + ".log");
    List<String> flags = new ArrayList<>(Settings.PRODUCTION_JVM_FLAGS);
    flags.add("-Xlog:safepoint:file=" + safepoints + ":timemillis");
    // Vert.x's checker logs every event-loop task past 10 ms, with its stack (Gateway.stallReports)
    flags.add("-Drtgw.stallReportMs=" + LONG_TASK_MS);
    ServerUnderTest s = start(name, settings, pin, logDir, false, Map.of(), flags);
    s.safepointLog = safepoints;
    return s;
  }

  private static ServerUnderTest start(String name, Settings settings, List<String> pin, Path logDir, boolean redisStores,
                                       Map<String, String> extraEnv, List<String> jvmFlags)
      throws IOException {
    int port = freePort();
    RedisServer redis = redisStores ? RedisServer.start(pin, logDir) : null;
    List<String> cmd = new ArrayList<>(pin);
    ProcessBuilder pb = new ProcessBuilder();
    pb.environment().putAll(extraEnv);
    boolean jvm = false;
    switch (name) {
      case "gateway" -> {
        cmd.add(GeneratorProcess.javaBin());
        cmd.addAll(jvmFlags);
        cmd.addAll(settings.gatewayLaunch());
        Map<String, String> env = pb.environment();
        env.put("GATEWAY_HTTP_HOST", HOST);
        env.put("GATEWAY_HTTP_PORT", String.valueOf(port));
        withoutClientLimits(env);
        if (redis != null) {
          env.put("GATEWAY_HISTORY_STORE", "redis");
          env.put("GATEWAY_PRESENCE_STORE", "redis");
          env.put("GATEWAY_REDIS_ENDPOINT", redis.endpoint());
        }
        jvm = true;
      }
      case "floor" -> {
        cmd.add(GeneratorProcess.javaBin());
        cmd.addAll(settings.serverJvmFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.rtgw.bench.floor.FloorServer",
            String.valueOf(port)));
        jvm = true;
      }
      case "socketio" -> cmd.addAll(List.of("node", "--expose-gc",
          Settings.ROOT.resolve("bench/peers/socketio/server.js").toString(), String.valueOf(port)));
      case "nchan" -> {
        Path prefix = Files.createTempDirectory("rtgw-bench-nchan");
        Files.createDirectories(prefix.resolve("logs"));
        Files.createDirectories(prefix.resolve("tmp"));
        String conf = Files.readString(Settings.ROOT.resolve("bench/peers/nchan/nchan.conf")).replace("@PORT@", String.valueOf(port));
        Files.writeString(prefix.resolve("nchan.conf"), conf);
        cmd.addAll(List.of("nginx", "-p", prefix.toString(), "-c", "nchan.conf"));
      }
      default -> throw new IllegalArgumentException(name);
    }
    Path log = logDir.resolve(name + "-" + port + ".log");
    Process p = pb.command(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServerUnderTest s = new ServerUnderTest(name, port, p, jvm);
    s.redis = redis;
    s.log = log;
    RUNNING.add(s);
    s.awaitListening(Duration.ofSeconds(60), log);
    return s;
  }

  /** Every generated client comes from loopback, far past the standalone per-address limits. */
  static void withoutClientLimits(Map<String, String> env) {
    for (String limit : List.of("CONNECTIONS_PER_USER", "CONNECTIONS_PER_IP", "CONNECTION_RATE_PER_IP",
        "COMMANDS_PER_SECOND", "PUBLISHES_PER_SECOND")) {
      env.put("GATEWAY_LIMITS_" + limit, "0");
    }
  }

  private void awaitListening(Duration limit, Path log) throws IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited at start: " + tail(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, port), 500);
        if (name.equals("gateway")) {
          awaitHealthy(deadline);
        }
        return;
      } catch (IOException e) {
        sleep(100);
      }
    }
    close();
    throw new IOException(name + " did not listen on " + port + " within " + limit.toSeconds() + " s");
  }

  private void awaitHealthy(long deadline) throws IOException {
    while (System.nanoTime() < deadline) {
      if (status("/health") == 200) {
        return;
      }
      sleep(100);
    }
    throw new IOException("gateway never became healthy");
  }

  /** The status of a GET; for a stream, only its head is read. -1 if it could not be asked. */
  int status(String uri) {
    try {
      HttpResponse<java.io.InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + uri))
          .timeout(Duration.ofSeconds(5)).header("Accept", "text/event-stream").GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      r.body().close();
      return r.statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** nchan's subscriber count of a channel (its publisher location answers GET with the channel's info). */
  long nchanSubscribers(String channel) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/pub/"
              + java.net.URLEncoder.encode(channel, java.nio.charset.StandardCharsets.UTF_8)))
          .timeout(Duration.ofSeconds(5)).header("Accept", "text/json").GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return 0;
      }
      return new io.vertx.core.json.JsonObject(r.body()).getLong("subscribers", 0L);
    } catch (IOException | RuntimeException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** Resident memory of the server and its children (nginx's master and worker), in KiB. */
  long rssKb() {
    long kb = rssKb(process.pid());
    for (ProcessHandle child : process.descendants().toList()) {
      kb += rssKb(child.pid());
    }
    return kb;
  }

  /**
   * CPU time the server and its children have used, in milliseconds (user + system, from /proc). On a
   * shared machine this is steadier than wall-clock rates: other load slows the server down, but does
   * not make it burn more cycles per delivery.
   */
  long cpuMillis() {
    long ticks = cpuTicks(process.pid());
    for (ProcessHandle child : process.descendants().toList()) {
      ticks += cpuTicks(child.pid());
    }
    return ticks * 1000 / CLOCK_TICKS;
  }

  static final long CLOCK_TICKS = 100;

  /** Write-type system calls (write, writev, sendmsg...) of the server and its children, from /proc/<pid>/io. */
  long writeCalls() {
    long n = writeCalls(process.pid());
    for (ProcessHandle child : process.descendants().toList()) {
      n += writeCalls(child.pid());
    }
    return n;
  }

  private static long writeCalls(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/io"))) {
        if (line.startsWith("syscw:")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // fields after the command name, which is in parentheses and may hold spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /** A full collection where the runtime has one (jcmd for the JVMs, gc() for node); nginx has none. */
  void collectGarbage() {
    try {
      if (jvm) {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            String.valueOf(process.pid()), "GC.run").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(30, TimeUnit.SECONDS);
      } else if (name.equals("socketio")) {
        status("/gc");
      }
    } catch (IOException e) {
      // measured without a collection; the figure will be higher, not wrong
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  long pid() {
    return process.pid();
  }

  /** Stops every server still running, e.g. when the runner is interrupted. */
  static void closeAll() {
    for (ServerUnderTest s : RUNNING.toArray(new ServerUnderTest[0])) {
      s.close();
    }
  }

  @Override
  public void close() {
    RUNNING.remove(this);
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (redis != null) {
      redis.close();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
