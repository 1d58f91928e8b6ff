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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the freeze tests share: an HTTP publisher of {@link #CHANNEL} and WebSocket followers that check
 * every offset and move between nodes as they are told, and the waits and reads both tests use.
 */
final class FrozenClients {

  static final String CHANNEL = "chat:frozen";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private FrozenClients() {
  }

  /** The cluster both freeze tests run on: one core and three connection nodes. */
  static ProcessCluster.Builder cluster(String label) {
    return ProcessCluster.builder(label)
        .nodes("core", 1).nodes("connection", 3)
        .env("GATEWAY_HTTP_DRAIN_MS", "500")
        .env("connection", "GATEWAY_IDENTITY_ALLOW_USER_PARAM", "true")
        // far above failure detection, so that a request failed by the departure of the last member of its
        // tier is told apart from one that waited out its timeout
        .env("connection", "GATEWAY_DELIVERY_REQUEST_TIMEOUT_MS", "25000");
  }

  /** The node id a process logged when it started. */
  static String nodeId(ProcessCluster.Node n) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("rtgw started: node ([0-9a-f-]+)").matcher(n.logText());
    if (!m.find()) {
      throw new AssertionError(n.name() + " logged no start line");
    }
    return m.group(1);
  }

  /** GET /presence lists every user exactly once, each with one client: no ghost, nobody missing. */
  static boolean presenceIsExactly(int port, List<Follower> all) {
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

  static JsonObject getJson(int port, String uri) {
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

  static void awaitUntil(Duration within, java.util.function.BooleanSupplier condition, String what)
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
  static final class Publisher {

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
  static final class Follower {

    final String user;
    /** The node this client starts on, and goes back to before each freeze. */
    final int home;
    private final List<Integer> ports;
    private final WebSocketClient client;
    /** The presence events of the channel this client saw: when, whose, "join" or "leave". */
    private final List<PresenceEvent> events = new CopyOnWriteArrayList<>();
    private int index;
    private ClientWebSocket ws;
    private String epoch;
    private long last = -1;
    private boolean subscribed;
    private long gaps;
    private long duplicates;
    private long resets;
    private boolean stopped;
    private final Vertx vertx;
    private int generation;
    private long toldAt = -1;
    private long backoffMs = 100;

    Follower(Vertx vertx, String user, List<Integer> ports, int index) {
      this.vertx = vertx;
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
      for (PresenceEvent e : events) {
        if (e.at() >= since && e.leave()) {
          out.merge(e.user(), 1, Integer::sum);
        }
      }
      return out;
    }

    long lastLeaveSince(long since, String prefix) {
      long at = -1;
      for (PresenceEvent e : events) {
        if (e.at() >= since && e.leave() && e.user().startsWith(prefix)) {
          at = Math.max(at, e.at());
        }
      }
      return at;
    }

    /**
     * {@code user}'s joins and leaves since {@code since}, in order, as "join leave ...": a stale departure
     * shows as two leaves with no join between them.
     */
    String presenceOf(String user, long since) {
      return events.stream().filter(e -> e.at() >= since && e.user().equals(user)).map(PresenceEvent::type)
          .collect(java.util.stream.Collectors.joining(" "));
    }

    void forgetEvents() {
      events.clear();
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
      } else if (("leave".equals(type) || "join".equals(type)) && CHANNEL.equals(f.getString("channel"))) {
        events.add(new PresenceEvent(System.currentTimeMillis(), f.getString("user"), type));
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

  static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One presence event a follower saw. */
  record PresenceEvent(long at, String user, String type) {
    boolean leave() {
      return type.equals("leave");
    }
  }
}
