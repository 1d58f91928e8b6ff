package io.rtgw.deploy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection node frozen for 20 s (SIGSTOP, as a long GC pause or a stalled VM would) and thawed,
 * three times in a row, while a publisher on another node keeps publishing to a presence channel that
 * the frozen node's clients, other nodes' clients and an observer all follow.
 *
 * <p>Each time: the frozen node's users leave once (the cluster declares it dead), no other node's user
 * leaves, its clients are served again within 10 s of the thaw (by the node itself once it merged back,
 * or by another node they were sent to), nothing is lost or delivered twice, and no ghost presence entry
 * of the frozen node is left behind. The clients behave as realtime.js does: they follow a
 * {@code reconnect} hint or a close to the next node and resume from their last offset.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class FrozenCoreIT {

  private static final String CHANNEL = "chat:frozen";
  private static final int FROZEN_USERS = 20;
  private static final int STEADY_USERS = 6;
  private static final Duration FREEZE = Duration.ofSeconds(20);
  private static final Duration SERVED_WITHIN = Duration.ofSeconds(10);

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(() -> ProcessCluster.builder("frozen-core")
      .nodes("core", 1).nodes("connection", 3)
      .env("GATEWAY_HTTP_DRAIN_MS", "500")
      // 8 s rather than the default 5: on a 2-core machine shared with other test runs, the burst of work
      // that follows a member's removal (partition migration, every node's subscription cleanup) delayed
      // healthy members' heartbeats by 5-6 s now and then, and the cluster dropped one of them too
      .env("GATEWAY_CLUSTER_MAX_NO_HEARTBEAT_SECONDS", "8")
      .env("connection", "GATEWAY_IDENTITY_ALLOW_USER_PARAM", "true")
      // far above failure detection, so that a request failed by the departure of the last member of its
      // tier is told apart from one that waited out its timeout
      .env("connection", "GATEWAY_DELIVERY_REQUEST_TIMEOUT_MS", "25000"));
  private static final Duration CORE_FREEZE = Duration.ofSeconds(12);

  private static Vertx vertx;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @org.junit.jupiter.api.Order(2)
  void a_frozen_core_fails_requests_fast_and_its_clients_are_told_then_served_again() throws Exception {
    ProcessCluster cluster = CLUSTER.get();
    List<Integer> ports = cluster.connectionPorts();
    ProcessCluster.Node core = cluster.node("core-1");
    // a node frozen by the test before may still be merging back
    awaitUntil(Duration.ofSeconds(60), () -> cluster.nodes("connection").stream().allMatch(n -> n.readiness() == 200),
        "every connection node ready");
    Follower observer = new Follower("observer", ports, 0);
    List<Follower> clients = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      clients.add(new Follower("core-client-" + i, ports, i % 3));
    }
    List<Follower> all = new ArrayList<>(clients);
    all.add(observer);
    all.forEach(Follower::start);
    awaitUntil(Duration.ofSeconds(60), () -> all.stream().allMatch(Follower::subscribed), "every client subscribed");
    awaitUntil(Duration.ofSeconds(30), () -> presenceIsExactly(ports.get(0), all), "presence lists every client once");
    Publisher publisher = new Publisher(ports.get(0));
    publisher.start();
    try {
      long before = publisher.lastAcked();
      awaitUntil(Duration.ofSeconds(20), () -> publisher.lastAcked() > before + 5, "publishing");

      int coreLogBefore = core.logText().length();
      long frozenAt = System.currentTimeMillis();
      core.freeze();
      HttpResponse<String> inFlight = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(1) + "/publish"))
          .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("channel", CHANNEL).put("data", "in flight")
              .put("key", "in-flight").encode())).build(), HttpResponse.BodyHandlers.ofString());
      long failedAfter = System.currentTimeMillis() - frozenAt;
      awaitUntil(Duration.ofSeconds(15), () -> clients.stream().allMatch(f -> f.toldAt() >= frozenAt), "every client told");
      long toldAfter = clients.stream().mapToLong(Follower::toldAt).max().orElse(-1) - frozenAt;
      Thread.sleep(Math.max(0, CORE_FREEZE.toMillis() - (System.currentTimeMillis() - frozenAt)));
      core.thaw();
      long thawedAt = System.currentTimeMillis();
      awaitUntil(Duration.ofSeconds(20), () -> publisher.lastAcked() > publisher.lastAckedBefore(thawedAt), "publishing again");
      long target = publisher.lastAcked();
      awaitUntil(Duration.ofSeconds(20), () -> all.stream().allMatch(f -> f.subscribed() && f.last() >= target), "everyone served again");
      long servedAfter = System.currentTimeMillis() - thawedAt;
      // every client listed once again: joins sent while presence was out of reach come back with the
      // next heartbeat (10 s), and the entries whose leave was lost in the outage expire by their TTL
      // (3 heartbeats, 30 s from their last refresh, before the freeze): nothing stays as a ghost
      awaitUntil(Duration.ofSeconds(45), () -> presenceIsExactly(ports.get(0), all), "presence lists every client once");
      long settledAfter = System.currentTimeMillis() - frozenAt;
      // read once presence is exact: the presence tier looks at a departure half a heartbeat after it
      // hears of it, so a log read as soon as clients are served again can miss what it decided.
      // The core came back alone, believing every connection node gone, and merged back: its presence
      // tier must have ignored those departures (the clients it was told of leaving did leave: they were
      // sent elsewhere, and their leave reports waited in the frozen core's sockets)
      String coreLog = core.logText().substring(coreLogBefore);
      for (long until = System.currentTimeMillis() + 5_000; coreLog.contains("Alone in cluster")
          && !coreLog.contains("Ignored a departure notice") && !coreLog.contains(" presence leaves")
          && System.currentTimeMillis() < until; coreLog = core.logText().substring(coreLogBefore)) {
        Thread.sleep(100);
      }
      List<String> dropped = new ArrayList<>();
      for (ProcessCluster.Node n : cluster.nodes("connection")) {
        if (coreLog.contains("Node " + nodeId(n) + " left the cluster")) {
          dropped.add(n.name());
        }
      }
      long lost = all.stream().mapToLong(Follower::gaps).sum();
      long duplicated = all.stream().mapToLong(Follower::duplicates).sum();
      Map<String, Integer> leaves = observer.leavesSince(frozenAt);
      System.out.printf("[frozen] core frozen %d s: in-flight publish answered %d after %d ms (request timeout 25000 ms),"
              + " every client told to reconnect after %d ms, served again %d ms after SIGCONT, lost %d, duplicated %d,"
              + " leaves seen %s (of clients sent elsewhere), connection nodes the thawed core dropped from presence %s,"
              + " presence exact again %d ms after the freeze%n", CORE_FREEZE.toSeconds(), inFlight.statusCode(), failedAfter, toldAfter, servedAfter, lost,
          duplicated, new TreeMap<>(leaves), dropped, settledAfter);
      assertThat(inFlight.statusCode()).as(inFlight.body()).isEqualTo(503);
      assertThat(new JsonObject(inFlight.body()).getString("code")).isEqualTo("unavailable");
      assertThat(failedAfter).as("ms until the in-flight publish failed (detection 8 s, timeout 25 s)").isLessThan(14_000);
      assertThat(toldAfter).as("ms until every client was told to reconnect").isLessThan(12_000);
      if (coreLog.contains("Alone in cluster")) {
        assertThat(coreLog).as("the thawed core, alone, ignored the departures it saw").contains("Ignored a departure notice");
      }
      assertThat(dropped).as("connection nodes whose users the thawed core dropped").isEmpty();
      assertThat(lost).isZero();
      assertThat(duplicated).isZero();
    } finally {
      publisher.stop();
      all.forEach(Follower::stop);
    }
  }

  /** The node id a process logged when it started. */
  private static String nodeId(ProcessCluster.Node n) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("rtgw started: node ([0-9a-f-]+)").matcher(n.logText());
    if (!m.find()) {
      throw new AssertionError(n.name() + " logged no start line");
    }
    return m.group(1);
  }

  /** GET /presence lists every user exactly once, each with one client: no ghost, nobody missing. */
  private static boolean presenceIsExactly(int port, List<Follower> all) {
    JsonObject body = getJson(port, "/presence?channel=" + CHANNEL);
    if (body == null) {
      return false;
    }
    Map<String, Integer> members = new TreeMap<>();
    JsonArray list = body.getJsonArray("members", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject m = list.getJsonObject(i);
      members.put(m.getString("user"), m.getInteger("clients"));
    }
    Map<String, Integer> expected = new TreeMap<>();
    all.forEach(f -> expected.put(f.user, 1));
    return members.equals(expected);
  }

  private static JsonObject getJson(int port, String uri) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + uri))
          .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void awaitUntil(Duration within, java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + within + ": " + what);
      }
      Thread.sleep(100);
    }
  }

  /**
   * Publishes one message every 100 ms through connection-1's HTTP API, each with its own idempotency
   * key, retried with the same key until it is acknowledged: what realtime.js does.
   */
  private static final class Publisher {

    private final int port;
    private final AtomicLong lastAcked = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<long[]> acks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::run, "frozen-publisher");

    Publisher(int port) {
      this.port = port;
    }

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(15_000);
    }

    long lastAcked() {
      return lastAcked.get();
    }

    long failures() {
      return failures.get();
    }

    /** The highest offset acknowledged at {@code atMs} or earlier. */
    long lastAckedBefore(long atMs) {
      long best = 0;
      for (long[] a : acks) {
        if (a[0] <= atMs) {
          best = Math.max(best, a[1]);
        }
      }
      return best;
    }

    private void run() {
      for (long n = 1; running.get(); n++) {
        String body = new JsonObject().put("channel", CHANNEL).put("data", new JsonObject().put("n", n))
            .put("key", "frozen-" + n).encode();
        boolean acked = false;
        long giveUpAt = System.currentTimeMillis() + 30_000;
        while (!acked && running.get() && System.currentTimeMillis() < giveUpAt) {
          try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
                .timeout(Duration.ofSeconds(7)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              long offset = new JsonObject(r.body()).getLong("offset");
              lastAcked.accumulateAndGet(offset, Math::max);
              acks.add(new long[] {System.currentTimeMillis(), offset});
              acked = true;
            } else {
              Thread.sleep(100);
            }
          } catch (IOException e) {
            sleepQuietly(100);
          } catch (InterruptedException e) {
            return;
          }
        }
        if (!acked && running.get()) {
          failures.incrementAndGet();
        }
        sleepQuietly(100);
      }
    }
  }

  /**
   * An identified WebSocket client of {@link #CHANNEL}: it checks every message's offset (a hole is a
   * loss, a repeat a duplicate), follows a {@code reconnect} hint or a close to the next node and
   * resumes from its last offset there, and records the presence events it sees.
   */
  private static final class Follower {

    final String user;
    /** The node this client starts on, and goes back to before each freeze. */
    final int home;
    private final List<Integer> ports;
    private final WebSocketClient client;
    private final Map<String, Integer> leaves = new ConcurrentHashMap<>();
    private final List<long[]> leaveTimes = new CopyOnWriteArrayList<>();
    private final List<String> leaveUsers = new CopyOnWriteArrayList<>();
    private int index;
    private ClientWebSocket ws;
    private String epoch;
    private long last = -1;
    private boolean subscribed;
    private long gaps;
    private long duplicates;
    private long resets;
    private boolean stopped;
    private int generation;
    private long toldAt = -1;
    private long backoffMs = 100;

    Follower(String user, List<Integer> ports, int index) {
      this.user = user;
      this.ports = ports;
      this.index = index;
      this.home = index;
      this.client = vertx.createWebSocketClient();
    }

    synchronized boolean atHome() {
      return index == home;
    }

    synchronized int port() {
      return ports.get(index);
    }

    synchronized long last() {
      return last;
    }

    synchronized boolean subscribed() {
      return subscribed;
    }

    synchronized long gaps() {
      return gaps;
    }

    synchronized long duplicates() {
      return duplicates;
    }

    synchronized long resets() {
      return resets;
    }

    /** When the node last told this client to go (a {@code reconnect} hint, or a close from the server). */
    synchronized long toldAt() {
      return toldAt;
    }

    void start() {
      connect();
    }

    /** Moves to the node at {@code to}: closes this connection, resumes there. */
    synchronized void moveTo(int to) {
      index = to;
      generation++;
      subscribed = false;
      ClientWebSocket old = ws;
      ws = null;
      if (old != null) {
        old.close();
      }
      connect();
    }

    synchronized void stop() {
      stopped = true;
      generation++;
      if (ws != null) {
        ws.close();
      }
      client.close();
    }

    Map<String, Integer> leavesSince(long since) {
      Map<String, Integer> out = new TreeMap<>();
      for (int i = 0; i < leaveTimes.size(); i++) {
        if (leaveTimes.get(i)[0] >= since) {
          out.merge(leaveUsers.get(i), 1, Integer::sum);
        }
      }
      return out;
    }

    long lastLeaveSince(long since, String prefix) {
      long at = -1;
      for (int i = 0; i < leaveTimes.size(); i++) {
        if (leaveTimes.get(i)[0] >= since && leaveUsers.get(i).startsWith(prefix)) {
          at = Math.max(at, leaveTimes.get(i)[0]);
        }
      }
      return at;
    }

    void forgetEvents() {
      leaveTimes.clear();
      leaveUsers.clear();
    }

    private synchronized void connect() {
      if (stopped) {
        return;
      }
      int gen = generation;
      int port = ports.get(index);
      ClientWebSocket socket = client.webSocket();
      ws = socket;
      socket.textMessageHandler(text -> onFrame(gen, new JsonObject(text)));
      socket.closeHandler(v -> onClosed(gen));
      socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws?user=" + user)
              .setTimeout(3_000))
          .onSuccess(v -> subscribe(gen, socket))
          .onFailure(e -> retryElsewhere(gen));
    }

    private synchronized void subscribe(int gen, ClientWebSocket socket) {
      if (gen != generation) {
        // moved or stopped while connecting: this socket is nobody's, and would stay present
        socket.close();
        return;
      }
      JsonObject cmd = new JsonObject().put("id", 1).put("type", "subscribe").put("channel", CHANNEL);
      if (epoch != null) {
        cmd.put("since", new JsonObject().put("epoch", epoch).put("offset", last));
      }
      socket.writeTextMessage(cmd.encode());
    }

    private synchronized void onFrame(int gen, JsonObject f) {
      if (gen != generation) {
        return;
      }
      String type = f.getString("type");
      if ("subscribed".equals(type) && CHANNEL.equals(f.getString("channel"))) {
        if (epoch == null) {
          epoch = f.getString("epoch");
          last = f.getLong("offset");
        } else if (!Boolean.TRUE.equals(f.getBoolean("recovered"))) {
          resets++;
        }
        subscribed = true;
        backoffMs = 100;
      } else if ("error".equals(type) && Long.valueOf(1).equals(f.getLong("id"))) {
        // the subscribe failed (the node cannot reach history): try the next node
        retryElsewhere(gen);
      } else if ("message".equals(type) && CHANNEL.equals(f.getString("channel"))) {
        long offset = f.getLong("offset");
        if (!f.getString("epoch").equals(epoch)) {
          resets++;
          epoch = f.getString("epoch");
        } else if (offset <= last) {
          duplicates++;
          return;
        } else if (offset > last + 1) {
          gaps += offset - last - 1;
        }
        last = offset;
      } else if ("leave".equals(type) && CHANNEL.equals(f.getString("channel"))) {
        leaveTimes.add(new long[] {System.currentTimeMillis()});
        leaveUsers.add(f.getString("user"));
      } else if ("reset".equals(type) && CHANNEL.equals(f.getString("channel"))) {
        resets++;
      } else if ("reconnect".equals(type)) {
        toldAt = System.currentTimeMillis();
        long after = f.getLong("after_ms", 0L);
        vertx.setTimer(Math.max(1, after), id -> {
          synchronized (this) {
            if (gen == generation) {
              retryElsewhere(gen);
            }
          }
        });
      }
    }

    private synchronized void onClosed(int gen) {
      if (gen == generation && !stopped) {
        toldAt = System.currentTimeMillis();
        retryElsewhere(gen);
      }
    }

    /** To the next node, as a client behind a load balancer would land on another backend. */
    private synchronized void retryElsewhere(int gen) {
      if (gen != generation || stopped) {
        return;
      }
      generation++;
      subscribed = false;
      ClientWebSocket old = ws;
      ws = null;
      if (old != null && !old.isClosed()) {
        old.close();
      }
      index = (index + 1) % ports.size();
      // doubling up to 2 s while no node serves: the clients of a cluster without its core stay a trickle
      long delay = backoffMs;
      backoffMs = Math.min(2_000, backoffMs * 2);
      vertx.setTimer(delay, id -> connect());
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
