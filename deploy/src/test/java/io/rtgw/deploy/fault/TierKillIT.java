package io.rtgw.deploy.fault;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of one of two fanout and one of two history processes in the middle of a publish stream whose
 * publisher retries with the same idempotency key: every acknowledged publish is stored once (history
 * holds offsets 1..N, each with its own message) and delivered once to every subscriber.
 *
 * <p>First, on the same processes (one tier each, so each cost is one tier's), the per-node costs
 * docs/SCALING.md builds its model from: Redis commands per second per subscribed channel and node, per
 * identified client in a presence channel and per publish; bus deliveries per publish and node; bytes the
 * fanout processes move per publish; resident memory of each tier process. Each is checked against a
 * bound wide enough for a shared machine, so a change that multiplies a cost fails here, and printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TierKillIT {

  private static final String CHANNEL = "feed:tiers";
  private static final int MESSAGES = 600;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(() -> ProcessCluster.builder("tier-kill")
      .nodes("history", 2).nodes("presence", 1).nodes("fanout", 2).nodes("connection", 2)
      .env("connection", "GATEWAY_IDENTITY_ALLOW_USER_PARAM", "true")
      .env("GATEWAY_HTTP_DRAIN_MS", "1000"));

  private static final int CHANNELS = 200;
  private static final int USERS = 200;
  private static final int PUBLISHES = 1_000;

  @Test
  @Order(2)
  void keyed_publishes_survive_a_fanout_and_a_history_crash_stored_and_delivered_once() throws Exception {
    ProcessCluster cluster = CLUSTER.get();
    List<Integer> ports = cluster.connectionPorts();
    try (Clients clients = new Clients();
         KeyedPublisher publisher = new KeyedPublisher(CHANNEL, "tiers", null, ports, 100, Duration.ofSeconds(15))) {
      List<Subscriber> subscribers = new ArrayList<>();
      List<Future<Void>> started = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Subscriber s = clients.ofTransport(i, CHANNEL, ports, 500, 1000);
        subscribers.add(s);
        started.add(s.start(ports.get(i % ports.size())));
      }
      Clients.awaitAll(started);

      publisher.start(MESSAGES, 50);
      Thread.sleep(4_000);
      ProcessCluster.Node fanout = cluster.node("fanout-1");
      ProcessCluster.Node history = cluster.node("history-1");
      int before = publisher.acks().size();
      long killed = System.currentTimeMillis();
      fanout.kill9();
      Thread.sleep(500);
      history.kill9();
      System.out.printf("[tier-kill] fanout-1 and history-1 killed 0.5 s apart after %d acknowledged publishes%n", before);

      boolean allAcknowledged = publisher.await(Duration.ofSeconds(120));
      Map<Integer, JsonObject> acks = publisher.acks();
      List<KeyedPublisher.Failure> failures = publisher.failures();
      Map<String, Long> byCode = failures.stream().collect(Collectors.groupingBy(f -> f.status() + " " + f.code(), TreeMap::new, Collectors.counting()));
      long slowest = failures.stream().mapToLong(KeyedPublisher.Failure::tookMs).max().orElse(0);
      long lastFailure = failures.stream().mapToLong(KeyedPublisher.Failure::atMs).max().orElse(killed) - killed;
      System.out.printf("[tier-kill] %d publishes, %d retried, %d failed attempts %s, slowest failure %d ms, last failure %d ms after the first kill%n",
          MESSAGES, publisher.retried(), failures.size(), byCode, slowest, lastFailure);
      assertThat(allAcknowledged).as("every publish acknowledged in the end; " + acks.size() + " were; failed attempts "
          + publisher.failuresByMessage() + "; " + cluster.warnings(15)).isTrue();

      // the acknowledgements: one offset each, together exactly 1..N in one epoch
      Set<String> epochs = acks.values().stream().map(a -> a.getString("epoch")).collect(Collectors.toSet());
      assertThat(epochs).hasSize(1);
      Map<Long, Integer> byOffset = new HashMap<>();
      acks.forEach((i, a) -> assertThat(byOffset.put(a.getLong("offset"), i)).as("offset " + a.getLong("offset") + " acknowledged twice").isNull());
      assertThat(Tally.of(new ArrayList<>(new TreeMap<>(byOffset).keySet()), 1, MESSAGES).lost()).as("acknowledged offsets have no hole").isZero();

      // stored once: history has exactly N messages, offsets 1..N, each the message its ack named
      JsonObject stored = new HttpCalls(ports.get(0)).get("/history?channel=" + CHANNEL + "&limit=1000").json();
      JsonArray messages = stored.getJsonArray("messages");
      List<Long> offsets = new ArrayList<>();
      Set<Integer> numbers = new HashSet<>();
      for (int k = 0; k < messages.size(); k++) {
        JsonObject m = messages.getJsonObject(k);
        offsets.add(m.getLong("offset"));
        int i = m.getJsonObject("data").getInteger("i");
        assertThat(numbers.add(i)).as("message " + i + " stored twice").isTrue();
        assertThat(byOffset.get(m.getLong("offset"))).as("offset " + m.getLong("offset")).isEqualTo(i);
      }
      assertThat(messages.size()).isEqualTo(MESSAGES);
      assertThat(Tally.of(offsets, 1, MESSAGES).clean()).isTrue();

      // delivered once to every subscriber
      for (Subscriber s : subscribers) {
        eventually(Duration.ofSeconds(30), () -> assertThat(s.delivered().count()).as(s.transport()).isGreaterThanOrEqualTo(MESSAGES));
      }
      Thread.sleep(1_000);
      Tally tally = Tally.none();
      for (Subscriber s : subscribers) {
        Tally t = Tally.of(s.delivered().offsets(), 1, MESSAGES);
        assertThat(t.clean()).as(s.transport() + " subscriber: " + t).isTrue();
        tally = tally.plus(t);
      }
      System.out.printf("[tier-kill] stored %d of %d, once each; %d subscribers (ws, sse, poll): %s%n", messages.size(), MESSAGES, subscribers.size(), tally);
    } finally {
      cluster.node("fanout-1").restart();
      cluster.node("history-1").restart();
    }
  }

  @Test
  @Order(1)
  void redis_commands_bus_deliveries_and_memory_per_unit_of_load() throws Exception {
    ProcessCluster cluster = CLUSTER.get();
    List<Integer> ports = cluster.connectionPorts();
    try (Clients clients = new Clients()) {
      Map<String, Long> cpuIdle = cpu(cluster);
      long t0 = System.nanoTime();
      double idle = commandsPerSecond(cluster, 5);
      idleTicksPerSecond = ticksPerSecond(cluster, cpuIdle, (System.nanoTime() - t0) / 1e9);

      // idle subscribed channels: one WebSocket per node holding the same 200 channels
      List<WsClient> holders = new ArrayList<>();
      for (int port : ports) {
        WsClient ws = WsClient.connect(clients.vertx(), port, null);
        holders.add(ws);
        for (int c = 0; c < CHANNELS; c++) {
          assertThat(ws.subscribe("feed:cost-" + c).getString("type")).isEqualTo("subscribed");
        }
      }
      Thread.sleep(1_000);
      Map<String, Long> cpuBefore = cpu(cluster);
      long t1 = System.nanoTime();
      double withChannels = commandsPerSecond(cluster, 10);
      double checkSeconds = (System.nanoTime() - t1) / 1e9;
      Map<String, Double> checkCpu = cpuPer(cluster, cpuBefore, checkSeconds, checkSeconds * CHANNELS * ports.size() / 2.0);
      double perChannelNode = (withChannels - idle) / (CHANNELS * ports.size());
      holders.forEach(WsClient::close);

      // identified clients in one presence channel, on one node (each also holds its user: inbox)
      List<WsClient> users = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        WsClient ws = WsClient.connect(clients.vertx(), ports.get(0), "user=cost-" + u);
        ws.subscribe("chat:cost");
        users.add(ws);
      }
      Thread.sleep(2_000);
      double withUsers = commandsPerSecond(cluster, 10);
      double perUser = (withUsers - idle) / USERS;
      // what presence itself costs: without the position checks of the USERS inboxes and the one room
      double perUserPresence = (withUsers - idle - (USERS + 1) * perChannelNode) / USERS;
      users.forEach(WsClient::close);
      Thread.sleep(2_000);

      // publishes to a channel with subscribers on both nodes
      List<WsClient> subscribers = new ArrayList<>();
      for (int port : ports) {
        WsClient ws = WsClient.connect(clients.vertx(), port, null);
        ws.subscribe("feed:cost-publish");
        subscribers.add(ws);
      }
      Map<Integer, Double> deliveredBefore = new LinkedHashMap<>();
      for (int port : ports) {
        deliveredBefore.put(port, metric(port, "rtgw_delivery_latency_seconds_count"));
      }
      List<ProcessCluster.Node> fanouts = cluster.nodes("fanout");
      long[] ioBefore = io(fanouts);
      long commandsBefore = totalCommands(cluster);
      Map<String, Long> cpuAtStart = cpu(cluster);
      long started = System.nanoTime();
      try (KeyedPublisher publisher = new KeyedPublisher("feed:cost-publish", "cost", null, ports, 100, Duration.ofSeconds(10))) {
        publisher.start(PUBLISHES, 200);
        publisher.assertAcknowledged(Duration.ofSeconds(60), cluster);
        // what the processes logged is in the message: a CI summary may keep nothing else
        assertThat(publisher.failuresByMessage()).as("failed publishes on a healthy cluster; " + cluster.warnings(15)).isEmpty();
      }
      for (WsClient ws : subscribers) {
        ws.awaitMessages("feed:cost-publish", PUBLISHES);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      Map<String, Double> publishCpu = cpuPer(cluster, cpuAtStart, seconds, PUBLISHES);
      long commands = totalCommands(cluster) - commandsBefore;
      long[] ioAfter = io(fanouts);
      double perPublish = (commands - idle * seconds) / PUBLISHES;
      List<Double> busPerPublish = new ArrayList<>();
      for (int port : ports) {
        double delivered = eventually(Duration.ofSeconds(5), () -> {
          double d = metric(port, "rtgw_delivery_latency_seconds_count") - deliveredBefore.get(port);
          assertThat(d).isGreaterThanOrEqualTo(PUBLISHES);
          return d;
        });
        busPerPublish.add(delivered / PUBLISHES);
      }
      subscribers.forEach(WsClient::close);
      double fanoutWrittenPerPublish = (ioAfter[1] - ioBefore[1]) / (double) PUBLISHES;
      double fanoutReadPerPublish = (ioAfter[0] - ioBefore[0]) / (double) PUBLISHES;

      Map<String, Long> rss = new LinkedHashMap<>();
      for (ProcessCluster.Node n : cluster.nodes()) {
        rss.put(n.name(), rssKb(n.pid()));
      }
      System.out.printf("[cost] Redis commands/s: idle cluster %.1f; %d channels subscribed on each of %d nodes %.1f (%.2f per channel and node)%n",
          idle, CHANNELS, ports.size(), withChannels, perChannelNode);
      System.out.printf("[cost] %d identified clients in one presence channel on one node: %.1f Redis commands/s (%.3f per client, "
          + "%.3f per client without the position checks of its inbox channel)%n", USERS, withUsers, perUser, perUserPresence);
      System.out.printf("[cost] %d publishes at 200/s to a channel with subscribers on %d nodes: %.2f Redis commands per publish, "
          + "%s bus deliveries per publish and node, fanout processes %.0f bytes written and %.0f read per publish%n",
          PUBLISHES, ports.size(), perPublish, busPerPublish, fanoutWrittenPerPublish, fanoutReadPerPublish);
      System.out.printf("[cost] resident memory (KB) after the run: %s%n", rss);
      System.out.printf("[cost] CPU µs per position check (one channel on one node; idle subtracted, C1 only), by process: %s%n", checkCpu);
      System.out.printf("[cost] CPU µs per publish (idle subtracted; C1-only JVMs, so an upper bound), by process: %s%n", publishCpu);

      // bounds loose enough for a shared machine, tight enough to catch a cost that multiplies
      assertThat(perPublish).as("Redis commands per publish").isBetween(0.5, 20.0);
      assertThat(busPerPublish).as("one bus delivery per node and message").allMatch(d -> d >= 1.0 && d < 1.1);
    }
  }

  private static double commandsPerSecond(ProcessCluster cluster, int seconds) throws InterruptedException {
    long before = totalCommands(cluster);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1_000L);
    long after = totalCommands(cluster);
    // the INFO call itself is a command: not the gateway's
    return (after - before - 1) / ((System.nanoTime() - t0) / 1e9);
  }

  /** {@code total_commands_processed} from INFO stats (redis-cli, since the reply has many lines). */
  private static long totalCommands(ProcessCluster cluster) {
    try {
      Process p = new ProcessBuilder("redis-cli", "-p", String.valueOf(cluster.redis().port()), "INFO", "stats")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(5, TimeUnit.SECONDS);
      for (String line : out.split("\r?\n")) {
        if (line.startsWith("total_commands_processed:")) {
          return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      throw new IllegalStateException("no total_commands_processed in INFO stats: " + out);
    } catch (IOException e) {
      throw new IllegalStateException("redis-cli failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The sum of a Prometheus metric's samples on a connection node's /metrics. */
  private static double metric(int port, String name) {
    String text = new HttpCalls(port).get("/metrics").text();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  /** rchar and wchar of /proc/PID/io summed over processes: bytes read and written through system calls (sockets included). */
  private static long[] io(List<ProcessCluster.Node> nodes) throws IOException {
    long[] rw = new long[2];
    for (ProcessCluster.Node n : nodes) {
      for (String line : Files.readAllLines(Path.of("/proc/" + n.pid() + "/io"))) {
        if (line.startsWith("rchar:")) {
          rw[0] += Long.parseLong(line.substring(6).trim());
        } else if (line.startsWith("wchar:")) {
          rw[1] += Long.parseLong(line.substring(6).trim());
        }
      }
    }
    return rw;
  }

  /** utime + stime of every process, in clock ticks (/proc/PID/stat fields 14 and 15). */
  private static Map<String, Long> cpu(ProcessCluster cluster) throws IOException {
    Map<String, Long> ticks = new LinkedHashMap<>();
    for (ProcessCluster.Node n : cluster.nodes()) {
      String stat = Files.readString(Path.of("/proc/" + n.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after the command name: field 3 is f[0], so utime (14) is f[11] and stime (15) f[12]
      ticks.put(n.name(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
    }
    return ticks;
  }

  /** Each process's CPU while the cluster idled, in clock ticks per second. */
  private static Map<String, Double> idleTicksPerSecond = Map.of();

  private static Map<String, Double> ticksPerSecond(ProcessCluster cluster, Map<String, Long> before, double seconds) throws IOException {
    Map<String, Double> out = new LinkedHashMap<>();
    cpu(cluster).forEach((name, t) -> out.put(name, (t - before.get(name)) / seconds));
    return out;
  }

  /**
   * CPU µs per unit of work since {@code before}, by process, less what the process spent idling over
   * the same time (heartbeats, timers); clock ticks are 10 ms on Linux.
   */
  private static Map<String, Double> cpuPer(ProcessCluster cluster, Map<String, Long> before, double seconds, double units) throws IOException {
    Map<String, Double> out = new LinkedHashMap<>();
    cpu(cluster).forEach((name, t) -> {
      double ticks = t - before.get(name) - idleTicksPerSecond.getOrDefault(name, 0.0) * seconds;
      out.put(name, Math.round(Math.max(0, ticks) * 10_000.0 / units * 10) / 10.0);
    });
    return out;
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
