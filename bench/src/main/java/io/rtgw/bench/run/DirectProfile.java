package io.rtgw.bench.run;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A profiling harness for direct messages, run by hand (not a bench scenario: the official "direct"
 * scenario measures rates and latency; this one measures where the gateway's CPU goes per publish).
 *
 * <p>Starts the gateway pinned to core 0 (memory store, or Redis with {@code --redis}, a redis-server on a
 * free port), opens {@code users} WebSocket connections each subscribed to its own channel {@code feed:u<i>}
 * plus half as many second connections (so ~1.5 subscribers a channel), then publishes {@code warmup} messages to warm the JIT and
 * {@code rounds} times {@code messages} to random users from {@code publishers} connections, {@code window} in flight on each, with or without
 * an idempotency key. It prints the gateway's CPU time per publish (from /proc, user + system) for each
 * round after a warm-up, and Redis's. With {@code --jfr <file>} the measured rounds are recorded with JFR
 * ({@code jfr print --events jdk.ExecutionSample <file>} for the hot frames).
 *
 * <pre>
 * java -cp 'bench/target/classes:bench/target/lib/*' io.rtgw.bench.run.DirectProfile [--redis] [--key]
 *      [--users 1000] [--warmup 120000] [--messages 40000] [--rounds 3] [--publishers 4] [--window 32] [--jfr /tmp/direct.jfr]
 *      [--jar deploy/target/gateway.jar]
 * </pre>
 */
public final class DirectProfile {

  private static final String MESSAGE = "\"type\":\"message\"";
  private static final String PUBLISHED = "\"type\":\"published\"";

  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
      .setMaxConnections(100_000));
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private int port;
  private static String jar;

  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    boolean redis = a.contains("--redis");
    boolean key = a.contains("--key");
    int users = intArg(a, "--users", 1000);
    int messages = intArg(a, "--messages", 40_000);
    int warmup = intArg(a, "--warmup", 120_000);
    int rounds = intArg(a, "--rounds", 3);
    int publishers = intArg(a, "--publishers", 4);
    int window = intArg(a, "--window", 32);
    String jfr = stringArg(a, "--jfr", null);
    jar = stringArg(a, "--jar", "deploy/target/gateway.jar");
    new DirectProfile().run(redis, key, users, warmup, messages, rounds, publishers, window, jfr);
  }

  private void run(boolean redis, boolean key, int users, int warmup, int messages, int rounds, int publishers, int window,
                   String jfr) throws Exception {
    Path logDir = Files.createDirectories(Settings.ROOT.resolve("bench/target/logs/direct-profile"));
    Process redisServer = null;
    int redisPort = 0;
    try {
      List<String> pin = ServerUnderTest.onPath("taskset") && Runtime.getRuntime().availableProcessors() >= 2
          ? List.of("taskset", "-c", "0") : List.of();
      Settings q = Settings.quick();
      Settings settings = new Settings(q.preset(), q.rounds(), q.generators(), q.servers(), q.scenarios(),
          q.burstSubscribers(), q.burstMessages(), q.steady(), q.warmupSeconds(), q.measureSeconds(), q.memoryCounts(),
          q.chatRooms(), q.chatMembers(), q.chatSeconds(), q.stormClients(), q.stormChannels(), q.stormRate(),
          q.stormSeconds(), q.stormDropAt(), q.serverJvmFlags(), List.of("-jar", jar), true, q.gcPauseMs(),
          q.quietMs(), q.outputDir(), q.logDir(), q.shapes());
      if (redis) {
        redisPort = ServerUnderTest.freePort();
        redisServer = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no").redirectErrorStream(true)
            .redirectOutput(logDir.resolve("redis-" + redisPort + ".log").toFile()).start();
        awaitPort(redisPort);
      }
      ServerUnderTest gateway = startGateway(settings, pin, logDir, redis ? redisPort : 0);
      try {
        port = gateway.port;
        System.out.printf("gateway pid %d on %d, store %s, key %s, load %s%n", gateway.pid(), port,
            redis ? "redis" : "memory", key, Machine.load());
        List<WebSocket> subscribers = new ArrayList<>();
        for (int i = 0; i < users; i++) {
          subscribers.add(subscriber("feed:u" + i).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        }
        for (int i = 0; i < users / 2; i++) {
          subscribers.add(subscriber("feed:u" + i).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        }
        List<WebSocket> pubs = new ArrayList<>();
        for (int i = 0; i < publishers; i++) {
          pubs.add(connect().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        }
        // the expected deliveries of each message: 2 for the first half of the users, 1 for the rest
        // the JIT needs a good hundred thousand publishes on one shared core before the figure settles
        for (int w = 0; w < warmup; w += messages) {
          publishRound(pubs, users, Math.min(messages, warmup - w), window, key, "warm" + w);
        }
        if (jfr != null) {
          jcmd(gateway.pid(), "JFR.start", "name=direct", "settings=" + System.getProperty("jfr.settings", "profile"));
        }
        for (int r = 1; r <= rounds; r++) {
          java.util.Map<String, Long> threads0 = threadTicks(gateway.pid());
          long switches0 = contextSwitches(gateway.pid());
          long[] userSys0 = userSys(gateway.pid());
          long cpu0 = gateway.cpuMillis();
          long redisCpu0 = redisServer == null ? 0 : cpuMillis(redisServer.pid());
          long wall0 = System.nanoTime();
          publishRound(pubs, users, messages, window, key, "r" + r);
          double wallS = (System.nanoTime() - wall0) / 1e9;
          long cpu = gateway.cpuMillis() - cpu0;
          long redisCpu = redisServer == null ? 0 : cpuMillis(redisServer.pid()) - redisCpu0;
          System.out.printf("round %d: %d publishes in %.2f s, gateway CPU %.1f us/publish%s, load %s%n", r, messages,
              wallS, cpu * 1000.0 / messages,
              redisServer == null ? "" : String.format(", redis CPU %.1f us/publish", redisCpu * 1000.0 / messages),
              Machine.load());
          java.util.Map<String, Long> threads = threadTicks(gateway.pid());
          StringBuilder by = new StringBuilder("  by thread (us/publish):");
          threads.entrySet().stream().map(e -> java.util.Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
              .filter(e -> e.getValue() > 0).sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
              .forEach(e -> by.append(String.format(" %s %.1f", e.getKey(), e.getValue() * 10_000.0 / messages)));
          System.out.println(by);
          long[] userSys = userSys(gateway.pid());
          System.out.printf("  user %.1f, system %.1f us/publish%n", (userSys[0] - userSys0[0]) * 10_000.0 / messages,
              (userSys[1] - userSys0[1]) * 10_000.0 / messages);
          System.out.printf("  context switches per publish: %.1f%n", (contextSwitches(gateway.pid()) - switches0) / (double) messages);
        }
        if (jfr != null) {
          jcmd(gateway.pid(), "JFR.stop", "name=direct", "filename=" + jfr);
          System.out.println("JFR recording: " + jfr);
        }
        System.out.printf("failed publishes: %d%n", failed.get());
      } finally {
        gateway.close();
      }
    } finally {
      if (redisServer != null) {
        redisServer.destroy();
        redisServer.waitFor(10, TimeUnit.SECONDS);
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static ServerUnderTest startGateway(Settings settings, List<String> pin, Path logDir, int redisPort)
      throws IOException {
    if (redisPort == 0) {
      return ServerUnderTest.start("gateway", settings, pin, logDir);
    }
    String endpoint = "redis://127.0.0.1:" + redisPort;
    return ServerUnderTest.start("gateway", settings, pin, logDir,
        java.util.Map.of("GATEWAY_HISTORY_STORE", "redis", "GATEWAY_REDIS_ENDPOINT", endpoint));
  }

  /** Publishes {@code n} messages to random users and waits for every reply and every delivery. */
  private void publishRound(List<WebSocket> pubs, int users, int n, int window, boolean key, String tag)
      throws Exception {
    long expectedDeliveries = delivered.get();
    int[] targets = new int[n];
    for (int i = 0; i < n; i++) {
      targets[i] = ThreadLocalRandom.current().nextInt(users);
      expectedDeliveries += targets[i] < users / 2 ? 2 : 1;
    }
    long expectedReplies = published.get() + failed.get() + n;
    int per = n / pubs.size();
    vertx.runOnContext(v -> {
      for (int p = 0; p < pubs.size(); p++) {
        int from = p * per;
        int to = p == pubs.size() - 1 ? n : from + per;
        new PublishLoop(pubs.get(p), targets, from, to, window, key ? tag + "-" : null).start();
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while ((published.get() + failed.get() < expectedReplies || delivered.get() < expectedDeliveries)
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (delivered.get() < expectedDeliveries) {
      System.out.printf("round %s: %d deliveries missing%n", tag, expectedDeliveries - delivered.get());
    }
  }

  /** One publisher connection's share: at most {@code window} publishes without a reply. */
  private final class PublishLoop {
    private final WebSocket ws;
    private final int[] targets;
    private final int to;
    private final int window;
    private final String keyPrefix;
    private int next;

    PublishLoop(WebSocket ws, int[] targets, int from, int to, int window, String keyPrefix) {
      this.ws = ws;
      this.targets = targets;
      this.next = from;
      this.to = to;
      this.window = window;
      this.keyPrefix = keyPrefix;
    }

    void start() {
      ws.textMessageHandler(text -> {
        if (text.contains(PUBLISHED)) {
          published.incrementAndGet();
        } else if (!text.contains("\"type\":\"error\"")) {
          return;
        } else {
          failed.incrementAndGet();
          if (failed.get() < 5) {
            System.out.println("publish failed: " + text);
          }
        }
        sendOne();
      });
      for (int i = 0; i < window; i++) {
        sendOne();
      }
    }

    private void sendOne() {
      if (next >= to) {
        return;
      }
      int i = next++;
      StringBuilder sb = new StringBuilder(160).append("{\"id\":").append(i)
          .append(",\"type\":\"publish\",\"channel\":\"feed:u").append(targets[i]).append('"');
      if (keyPrefix != null) {
        sb.append(",\"key\":\"").append(keyPrefix).append(i).append('"');
      }
      sb.append(",\"data\":{\"seq\":").append(i).append(",\"text\":\"a direct message of about a hundred bytes, "
          + "like a notification\",\"n\":[1,2,3]}}");
      ws.writeTextMessage(sb.toString());
    }
  }

  private Future<WebSocket> connect() {
    return client.connect(new WebSocketConnectOptions().setHost(ServerUnderTest.HOST).setPort(port).setURI("/ws"));
  }

  private Future<WebSocket> subscriber(String channel) {
    Promise<WebSocket> subscribed = Promise.promise();
    connect().onFailure(subscribed::tryFail).onSuccess(ws -> {
      ws.textMessageHandler(text -> {
        if (text.contains(MESSAGE)) {
          delivered.incrementAndGet();
        } else if (text.contains("\"type\":\"subscribed\"")) {
          subscribed.tryComplete(ws);
        } else if (text.contains("\"type\":\"error\"")) {
          subscribed.tryFail(text);
        }
      });
      ws.writeTextMessage("{\"id\":1,\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
    });
    return subscribed.future();
  }

  private static void jcmd(long pid, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(pid)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    p.waitFor(60, TimeUnit.SECONDS);
  }

  private static void awaitPort(int port) throws IOException, InterruptedException {
    for (int i = 0; i < 100; i++) {
      try (java.net.Socket s = new java.net.Socket(ServerUnderTest.HOST, port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IOException("redis-server did not listen on " + port);
  }

  /** CPU ticks of each thread of {@code pid}, by thread name (threads of one name summed). */
  private static java.util.Map<String, Long> threadTicks(long pid) {
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    java.util.Map<String, String> names = threadNames(pid);
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = names.getOrDefault(task.getFileName().toString(),
              stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.merge(name.replaceAll("(GC Thread#|C[12] CompilerThre)\\d*", "$1"),
              Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** Java thread names by native thread id, from jcmd Thread.print: /proc cuts names at 15 characters. */
  private static java.util.Map<String, String> threadNames(long pid) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    try {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
      java.util.regex.Pattern line = java.util.regex.Pattern.compile("^\"([^\"]+)\".* nid=(0x[0-9a-f]+|\\d+)");
      for (String l : new String(p.getInputStream().readAllBytes()).split("\n")) {
        java.util.regex.Matcher m = line.matcher(l);
        if (m.find()) {
          String nid = m.group(2);
          out.put(String.valueOf(nid.startsWith("0x") ? Long.parseLong(nid.substring(2), 16) : Long.parseLong(nid)),
              m.group(1));
        }
      }
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (IOException e) {
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  /** Voluntary and involuntary context switches of every thread of {@code pid}. */
  private static long contextSwitches(long pid) {
    long n = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.contains("ctxt_switches:")) {
              n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } catch (IOException | RuntimeException e) {
          // a thread that ended meanwhile
        }
      }
    } catch (IOException e) {
      return n;
    }
    return n;
  }

  /** User and system CPU ticks of {@code pid} (/proc/<pid>/stat), zeros when unreadable. */
  static long[] userSys(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    } catch (IOException | RuntimeException e) {
      return new long[2];
    }
  }

  private static long cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static int intArg(List<String> a, String name, int dflt) {
    int i = a.indexOf(name);
    return i >= 0 && i + 1 < a.size() ? Integer.parseInt(a.get(i + 1)) : dflt;
  }

  private static String stringArg(List<String> a, String name, String dflt) {
    int i = a.indexOf(name);
    return i >= 0 && i + 1 < a.size() ? a.get(i + 1) : dflt;
  }
}
