package io.rtgw.bench.gen;

import io.rtgw.bench.Payload;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One load-generator process: {@code Generator <index> <source address>}. It holds subscribers and
 * publishers and obeys the runner's commands, one JSON object per line on stdin, answering each with one
 * JSON line on stdout (same {@code id}). Everything runs on one event loop, so no state is shared
 * between threads. It exits when stdin closes, so a crashed runner leaves no generator behind.
 */
public final class Generator {

  /** Connection attempts in flight at once: more only overflows the server's accept backlog. */
  static final int CONNECT_WINDOW = 500;
  /** How long an open may go without one subscriber finishing before it answers with what is pending. */
  private static final long STALL_MS = 60_000;
  /** Most connections one process may hold (the box allows 20,000 open files per process). */
  public static final int MAX_CONNECTIONS = 5000;
  private static final long TICK_MS = 1;

  private final Vertx vertx;
  private final Context context;
  private final String source;
  private final Tally tally = new Tally();
  private final List<Sub> subs = new ArrayList<>();
  private final List<Publisher> publishers = new ArrayList<>();
  private final Map<String, Transport> transports = new HashMap<>();
  private Transport current;
  private WebSocketClient wsClient;
  private WebSocketClient deflateClient;
  private HttpClient httpClient;

  private Generator(Vertx vertx, String source) {
    this.vertx = vertx;
    this.source = source;
    this.context = vertx.getOrCreateContext();
    context.runOnContext(v -> watchLag());
  }

  /** How late this generator's own event loop ran a timer, at worst since the last reset (ms). */
  private long lagMaxNanos;
  private static final long LAG_TICK_MS = 100;

  /**
   * A timer due every {@link #LAG_TICK_MS}: how late it runs is how far the loop is behind, so a server's
   * pong-timeout close can be told apart from a generator too busy to answer the ping in time.
   */
  private void watchLag() {
    long[] due = {System.nanoTime() + LAG_TICK_MS * 1_000_000};
    vertx.setPeriodic(LAG_TICK_MS, id -> {
      long now = System.nanoTime();
      lagMaxNanos = Math.max(lagMaxNanos, now - due[0]);
      due[0] = now + LAG_TICK_MS * 1_000_000;
    });
  }

  public static void main(String[] args) throws Exception {
    String source = args.length > 1 ? args[1] : "127.0.0.1";
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
        .setBlockedThreadCheckInterval(10_000));
    Generator g = new Generator(vertx, source);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      JsonObject cmd = new JsonObject(line);
      if ("exit".equals(cmd.getString("cmd"))) {
        break;
      }
      g.context.runOnContext(v -> g.handle(cmd));
    }
    vertx.close().await();
    System.exit(0);
  }

  private void handle(JsonObject cmd) {
    Future<JsonObject> result;
    try {
      result = switch (cmd.getString("cmd")) {
        case "open" -> open(cmd);
        case "reset" -> {
          tally.reset(cmd.getBoolean("latencyOnly", false));
          lagMaxNanos = 0;
          yield Future.succeededFuture(new JsonObject());
        }
        case "publish" -> publish(cmd);
        case "chat" -> chat(cmd);
        case "direct" -> direct(cmd);
        case "storm" -> storm();
        case "stats" -> Future.succeededFuture(stats(cmd.getJsonObject("published", new JsonObject())));
        case "close" -> close();
        default -> Future.failedFuture("unknown command " + cmd.getString("cmd"));
      };
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      JsonObject reply = ar.succeeded() ? ar.result() : new JsonObject().put("error", String.valueOf(ar.cause()));
      reply(reply.put("id", cmd.getValue("id")));
    });
  }

  private static synchronized void reply(JsonObject o) {
    System.out.println(o.encode());
    System.out.flush();
  }

  private Transport transport(String server, String kind, String host, int port) {
    return transports.computeIfAbsent(server + "/" + kind + "/" + host + ":" + port, k -> switch (kind) {
      case "ws" -> new WsTransport(wsClient(), WsDialect.of(server), host, port);
      case "ws+deflate" -> new WsTransport(deflateClient(), WsDialect.of(server), host, port);
      case "sse" -> new SseTransport(httpClient(), server, host, port);
      case "poll" -> server.equals("socketio") ? new SocketIoPollTransport(httpClient(), host, port)
          : new PollTransport(httpClient(), server, host, port);
      default -> throw new IllegalArgumentException("unknown transport " + kind);
    });
  }

  private WebSocketClient wsClient() {
    if (wsClient == null) {
      wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(source)
          .setMaxConnections(100_000).setConnectTimeout(WsTransport.CONNECT_TIMEOUT_MS)
          .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    }
    return wsClient;
  }

  /**
   * Clients that offer compression as browsers do: Vert.x (Netty's handshaker) sends
   * {@code Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits}, the header Chrome and
   * Firefox send; the server decides whether to take it.
   */
  private WebSocketClient deflateClient() {
    if (deflateClient == null) {
      deflateClient = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(source)
          .setMaxConnections(100_000).setConnectTimeout(WsTransport.CONNECT_TIMEOUT_MS)
          .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20).setTryUsePerMessageCompression(true));
    }
    return deflateClient;
  }

  private HttpClient httpClient() {
    if (httpClient == null) {
      httpClient = vertx.createHttpClient(new HttpClientOptions().setLocalAddress(source).setKeepAlive(true)
              .setConnectTimeout(WsTransport.CONNECT_TIMEOUT_MS),
          new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS + 100));
    }
    return httpClient;
  }

  /** Opens {@code count} subscribers, the i-th on {@code channels[i % n]}, a bounded number at a time. */
  private Future<JsonObject> open(JsonObject cmd) {
    // opens to several servers at once (the cluster scenario's processes) each keep their own
    Transport to = transport(cmd.getString("server"), cmd.getString("transport"), cmd.getString("host", "127.0.0.1"),
        cmd.getInteger("port"));
    current = to;
    JsonArray channels = cmd.getJsonArray("channels");
    int count = cmd.getInteger("count");
    boolean track = cmd.getBoolean("track", false);
    // identified subscribers: user <userBase>-<userFrom + i>; "personal": each on its own user:<id> alone
    String userBase = cmd.getString("userBase");
    int userFrom = cmd.getInteger("userFrom", 0);
    boolean personal = cmd.getBoolean("personal", false);
    List<Sub> fresh = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String user = userBase == null ? null : userBase + "-" + (userFrom + i);
      Sub s = new Sub(personal ? "user:" + user : channels.getString(i % channels.size()), tally, track, false);
      s.user = user;
      s.transport = to;
      fresh.add(s);
    }
    subs.addAll(fresh);
    return connectAll(fresh, false);
  }

  /** The transport a subscriber was opened with. */
  private Transport via(Sub s) {
    return s.transport != null ? s.transport : current;
  }

  private Future<JsonObject> connectAll(List<Sub> list, boolean resume) {
    long start = System.nanoTime();
    Promise<JsonObject> done = Promise.promise();
    int[] next = {0};
    int[] finished = {0};
    int[] failed = {0};
    String[] firstError = {null};
    long[] lastFinish = {System.nanoTime()};
    // an open that never completes (a subscribe answered with an error the client does not retry, a
    // frame lost) would hold the whole step until the runner's timeout with nothing to say why: past a
    // minute without progress the answer comes with what each pending subscriber still waits for
    long watchdog = vertx.setPeriodic(STALL_MS, STALL_MS, t -> {
      if (!done.future().isComplete() && System.nanoTime() - lastFinish[0] > STALL_MS * 1_000_000L) {
        done.tryComplete(new JsonObject().put("opened", finished[0] - failed[0]).put("failed", failed[0])
            .put("pending", list.size() - finished[0]).put("pendingStates", pendingStates(list))
            .put("ms", (System.nanoTime() - start) / 1_000_000.0).put("error", firstError[0]));
      }
    });
    done.future().onComplete(ar -> vertx.cancelTimer(watchdog));
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      if (next[0] >= list.size()) {
        return;
      }
      Sub s = list.get(next[0]++);
      via(s).open(s, resume).onComplete(ar -> {
        lastFinish[0] = System.nanoTime();
        if (ar.failed()) {
          failed[0]++;
          if (firstError[0] == null) {
            firstError[0] = String.valueOf(ar.cause());
          }
        }
        finished[0]++;
        if (next[0] < list.size()) {
          // through the loop, not a direct call: opens that complete at once would otherwise recurse
          context.runOnContext(v -> launch[0].run());
        } else if (finished[0] == list.size()) {
          done.complete(new JsonObject().put("opened", list.size() - failed[0]).put("failed", failed[0])
              .put("ms", (System.nanoTime() - start) / 1_000_000.0).put("error", firstError[0]));
        }
      });
    };
    if (list.isEmpty()) {
      return Future.succeededFuture(new JsonObject().put("opened", 0).put("failed", 0).put("ms", 0));
    }
    for (int i = 0; i < Math.min(CONNECT_WINDOW, list.size()); i++) {
      launch[0].run();
    }
    return done.future();
  }

  /** How the subscribers whose open has not completed stand, counted: connected, subscribed, errors seen. */
  private static JsonObject pendingStates(List<Sub> list) {
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    for (Sub s : list) {
      if (!s.ready.future().isComplete()) {
        String state = (s.ws == null && s.request == null ? "not connected" : "connected")
            + (s.user == null ? "" : s.inboxSubscribed ? ", inbox subscribed" : ", no inbox")
            + (s.personal() ? "" : s.channelSubscribed ? ", channel subscribed" : ", channel not subscribed")
            + (s.errorFrames > 0 ? ", error frames" : "") + (s.serverCloses > 0 ? ", closed by the server" : "");
        counts.merge(state, 1, Integer::sum);
      }
    }
    JsonObject o = new JsonObject();
    counts.forEach(o::put);
    return o;
  }

  /**
   * Publishes {@code perChannel} payloads to each channel, at {@code rate} per channel per second (0: as
   * fast as the connection takes them). Answers when the last one has left, with the first send time.
   */
  private Future<JsonObject> publish(JsonObject cmd) {
    String server = cmd.getString("server");
    String host = cmd.getString("host", "127.0.0.1");
    int port = cmd.getInteger("port");
    List<String> channels = cmd.getJsonArray("channels").stream().map(String::valueOf).toList();
    long perChannel = cmd.getLong("perChannel");
    double rate = cmd.getDouble("rate", 0.0);
    Publisher publisher = server.equals("nchan")
        ? new Publisher.OverHttp(httpClient(), host, port)
        : new Publisher.OverWebSocket((WsTransport) transport(server, "ws", host, port));
    return publisher.open(channels).compose(v -> {
      Promise<JsonObject> done = Promise.promise();
      long[] sent = new long[channels.size()];
      long start = System.nanoTime();
      long[] total = {0};
      vertx.setPeriodic(0, TICK_MS, timer -> {
        double elapsed = (System.nanoTime() - start) / 1e9;
        long due = rate <= 0 ? perChannel : Math.min(perChannel, (long) (elapsed * rate) + 1);
        boolean more = false;
        for (int c = 0; c < channels.size(); c++) {
          while (sent[c] < due && !publisher.busy()) {
            publisher.publish(channels.get(c), Payload.of(sent[c]++, System.nanoTime()));
            total[0]++;
          }
          more |= sent[c] < perChannel;
        }
        if (!more && publisher.idle()) {
          vertx.cancelTimer(timer);
          // kept open until the scenario closes: closing with the server's replies unread would reset
          // the connection and drop publishes the server has not read yet
          publishers.add(publisher);
          tally.published += total[0];
          JsonObject counts = new JsonObject();
          for (int c = 0; c < channels.size(); c++) {
            counts.put(channels.get(c), sent[c]);
          }
          done.complete(new JsonObject().put("sent", total[0]).put("startNanos", start)
              .put("endNanos", System.nanoTime()).put("perChannel", counts));
        }
      });
      return done.future();
    });
  }

  /**
   * Direct messages: {@code rate} publishes a second for {@code seconds}, each to the personal channel
   * {@code user:<userBase>-<k>} of a user k drawn at random from {@code users}. Answers with what was sent
   * and how long it took (less than asked for where the publisher's connection could not keep up).
   */
  private Future<JsonObject> direct(JsonObject cmd) {
    String server = cmd.getString("server");
    String host = cmd.getString("host", "127.0.0.1");
    int port = cmd.getInteger("port");
    String userBase = cmd.getString("userBase");
    int users = cmd.getInteger("users");
    double rate = cmd.getDouble("rate");
    double seconds = cmd.getDouble("seconds");
    long total = Math.round(rate * seconds);
    java.util.SplittableRandom random = new java.util.SplittableRandom(cmd.getLong("seed", 15L));
    Publisher publisher = server.equals("nchan")
        ? new Publisher.OverHttp(httpClient(), host, port)
        : new Publisher.OverWebSocket((WsTransport) transport(server, "ws", host, port));
    return publisher.open(List.of("user:" + userBase + "-0")).compose(v -> {
      Promise<JsonObject> done = Promise.promise();
      long start = System.nanoTime();
      long[] sent = {0};
      long[] endNanos = {0};
      vertx.setPeriodic(0, TICK_MS, timer -> {
        long now = System.nanoTime();
        double elapsed = (now - start) / 1e9;
        long due = Math.min(total, (long) (elapsed * rate) + 1);
        while (sent[0] < due && elapsed < seconds && !publisher.busy()) {
          publisher.publish("user:" + userBase + "-" + random.nextInt(users), Payload.of(sent[0]++, System.nanoTime()));
        }
        if (endNanos[0] == 0 && (sent[0] >= total || elapsed >= seconds)) {
          endNanos[0] = System.nanoTime();
        }
        if (endNanos[0] != 0 && publisher.idle()) {
          vertx.cancelTimer(timer);
          publishers.add(publisher);
          tally.published += sent[0];
          done.complete(new JsonObject().put("sent", sent[0]).put("seconds", (endNanos[0] - start) / 1e9));
        }
      });
      return done.future();
    });
  }

  /** Every subscriber publishes to its own channel at {@code rate}/s for {@code seconds}, spread evenly. */
  private Future<JsonObject> chat(JsonObject cmd) {
    double rate = cmd.getDouble("rate");
    double seconds = cmd.getDouble("seconds");
    long total = (long) (rate * seconds * subs.size());
    Promise<JsonObject> done = Promise.promise();
    long start = System.nanoTime();
    long[] sent = {0};
    // nchan members publish the way nchan clients do, with an HTTP POST; the others over their own socket
    Publisher.OverHttp http = cmd.getString("server", "").equals("nchan")
        ? new Publisher.OverHttp(httpClient(), cmd.getString("host", "127.0.0.1"), cmd.getInteger("port")) : null;
    vertx.setPeriodic(0, TICK_MS, timer -> {
      double elapsed = (System.nanoTime() - start) / 1e9;
      long due = Math.min(total, (long) (elapsed * rate * subs.size()));
      while (sent[0] < due) {
        Sub s = subs.get((int) (sent[0] % subs.size()));
        String payload = Payload.of(sent[0]++, System.nanoTime());
        if (http != null) {
          http.publish(s.channel, payload);
        } else {
          via(s).publish(s, payload);
        }
      }
      if (sent[0] >= total) {
        vertx.cancelTimer(timer);
        tally.published += sent[0];
        done.complete(new JsonObject().put("sent", sent[0]));
      }
    });
    return done.future();
  }

  /** Drops every subscriber at once, then brings all back resuming from their positions. */
  private Future<JsonObject> storm() {
    long start = System.nanoTime();
    for (Sub s : subs) {
      via(s).drop(s);
    }
    return connectAll(subs, true).map(r -> r.put("ms", (System.nanoTime() - start) / 1_000_000.0));
  }

  private JsonObject stats(JsonObject published) {
    long lost = 0;
    long dups = 0;
    long serverCloses = 0;
    long firstCloseAt = 0;
    long lastCloseAt = 0;
    JsonObject closeCodes = new JsonObject();
    long min = Long.MAX_VALUE;
    long max = 0;
    // clients that lost or repeated a message; the first few are described
    int lossyClients = 0;
    long deflated = 0;
    long errorFrames = 0;
    long withoutInbox = 0;
    JsonArray lossSamples = new JsonArray();
    for (Sub s : subs) {
      min = Math.min(min, s.received);
      max = Math.max(max, s.received);
      dups += s.duplicates;
      deflated += s.deflate ? 1 : 0;
      errorFrames += s.errorFrames;
      withoutInbox += s.user != null && !s.inboxSubscribed ? 1 : 0;
      serverCloses += s.serverCloses;
      if (s.serverCloses > 0) {
        String code = String.valueOf(s.lastCloseCode);
        closeCodes.put(code, closeCodes.getInteger(code, 0) + 1);
        firstCloseAt = firstCloseAt == 0 ? s.lastServerCloseAt : Math.min(firstCloseAt, s.lastServerCloseAt);
        lastCloseAt = Math.max(lastCloseAt, s.lastServerCloseAt);
      }
      if (s.seen != null) {
        long expected = published.getLong(s.channel, 0L);
        long missing = Math.max(0, expected - s.seen.get(0, (int) Math.min(expected, Integer.MAX_VALUE)).cardinality());
        lost += missing;
        if ((missing > 0 || s.duplicates > 0) && lossyClients++ < 5) {
          lossSamples.add(lossSample(s, expected));
        }
      }
    }
    return new JsonObject().put("received", tally.received).put("published", tally.published)
        .put("lastNanos", tally.lastDeliveryNanos).put("subs", subs.size())
        .put("minPerSub", subs.isEmpty() ? 0 : min).put("maxPerSub", max)
        .put("lost", lost).put("lossyClients", lossyClients).put("lossSamples", lossSamples).put("duplicates", dups).put("deflated", deflated).put("errorFrames", errorFrames)
        .put("withoutInbox", withoutInbox).put("serverCloses", serverCloses).put("closeCodes", closeCodes)
        .put("firstServerCloseAt", firstCloseAt).put("lastServerCloseAt", lastCloseAt)
        .put("loopLagMaxMs", lagMaxNanos / 1e6)
        .put("publishErrors", publishers.stream().mapToLong(Publisher::errors).sum())
        .put("publishAcks", publishers.stream().mapToLong(Publisher::acks).sum()).put("histogram", tally.encodedHistogram());
  }

  /** Which sequence numbers one client missed, and how its last resume went: what finding a loss needs. */
  private static JsonObject lossSample(Sub s, long expected) {
    StringBuilder ranges = new StringBuilder();
    int from = s.seen.nextClearBit(0);
    while (from < expected && ranges.length() < 200) {
      int to = Math.min((int) expected, s.seen.nextSetBit(from) < 0 ? (int) expected : s.seen.nextSetBit(from));
      ranges.append(from).append('-').append(to - 1).append(' ');
      from = s.seen.nextClearBit(to);
    }
    return new JsonObject().put("channel", s.channel).put("missing", ranges.toString().trim())
        .put("received", s.received).put("duplicates", s.duplicates).put("firstDuplicates", s.firstDuplicates.toString().trim()).put("offset", s.offset)
        .put("resumedSince", s.resumedSince).put("resumedTo", s.resumedTo).put("recovered", s.resumedRecovered)
        .put("errors", s.errorFrames).put("resets", s.resets).put("serverCloses", s.serverCloses);
  }

  private Future<JsonObject> close() {
    for (Sub s : subs) {
      s.closed = true;
      via(s).drop(s);
    }
    int n = subs.size();
    subs.clear();
    publishers.forEach(Publisher::close);
    publishers.clear();
    return Future.succeededFuture(new JsonObject().put("closed", n));
  }
}
