package io.rtgw.bench.probe;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Event-loop stalls as a client sees them: one WebSocket to the gateway sends the cheapest protocol
 * command ({@code ping}) every {@code intervalMs} and records how long each {@code pong} took. The answer
 * is written by the connection's event loop, so any task on that loop longer than the interval (a ping
 * round, a presence heartbeat, a position check, a sweep) shows up as one slow answer of about its length.
 *
 * <p>It runs on a Vert.x instance of its own, with one event loop that does nothing else, so the delay
 * measured is the server's (and the loopback's), not a busy client's. Pings are numbered: a pong is
 * matched to its own ping, and one that never comes is counted as lost. Pinging starts {@link #SETTLE_MS}
 * after the server's {@code connected}: the probe's own open (its session, inbox and presence entry) and
 * the probe client's first, interpreted round trips are not a stall of the idle node.
 */
public final class PingProbe {

  static final long SETTLE_MS = 1000;

  /**
   * The worst answer kept beside the histogram, with when it was sent (s since pinging started); every
   * answer over 10 ms as {@link Slow}, and the wall-clock window pinged, to lay beside the server's own
   * pauses (its safepoint log).
   */
  public record Result(long sent, long answered, double maxMs, double p50Ms, double p99Ms, double p999Ms,
                       long over10Ms, double worstAtS, List<Slow> slow, long fromEpochMs, long toEpochMs) {
    public JsonObject toJson() {
      JsonArray slowest = new JsonArray();
      slow.forEach(s -> slowest.add(new JsonArray().add(s.sentEpochMs()).add(s.ms())));
      return new JsonObject().put("pings", sent).put("pongs", answered).put("max_ms", maxMs).put("p50_ms", p50Ms)
          .put("p99_ms", p99Ms).put("p99.9_ms", p999Ms).put("over_10ms", over10Ms).put("worst_at_s", worstAtS)
          .put("slow", slowest).put("from_epoch_ms", fromEpochMs).put("to_epoch_ms", toEpochMs);
    }
  }

  /** An answer over 10 ms: when its ping was sent (epoch ms) and how long it took. */
  public record Slow(long sentEpochMs, double ms) {
  }

  private final Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
  private final Histogram delays = new Histogram(60_000_000_000L, 3);
  private final Map<Long, Long> outstanding = new HashMap<>();
  private long next;
  private long answered;
  private long over10;
  private long worstNanos;
  private long worstAt;
  private long started;
  private long startedEpochMs;
  private final List<Slow> slow = new ArrayList<>();

  /**
   * Connects to {@code host:port}{@code path} (e.g. {@code /ws?user=probe}), pings every {@code intervalMs}
   * for {@code seconds}, and answers what it saw.
   */
  public Future<Result> run(String host, int port, String path, long intervalMs, double seconds) {
    Promise<Result> result = Promise.promise();
    vertx.runOnContext(v -> {
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(10_000));
      client.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(path)).onComplete(ar -> {
        if (ar.failed()) {
          result.fail(ar.cause());
          return;
        }
        WebSocket ws = ar.result();
        boolean[] settled = {false};
        ws.textMessageHandler(text -> {
          if (settled[0]) {
            answer(text);
          } else if ("connected".equals(new JsonObject(text).getString("type"))) {
            // parsed, not matched: the JSON parser's classes load here, not in the first measured answer
            settled[0] = true;
            vertx.setTimer(SETTLE_MS, id -> probe(ws, intervalMs, seconds, result));
          }
        });
      });
    });
    return result.future();
  }

  private void probe(WebSocket ws, long intervalMs, double seconds, Promise<Result> result) {
    started = System.nanoTime();
    startedEpochMs = System.currentTimeMillis();
    long timer = vertx.setPeriodic(intervalMs, id -> ping(ws));
    vertx.setTimer((long) (seconds * 1000), id -> {
      vertx.cancelTimer(timer);
      long endedEpochMs = System.currentTimeMillis();
      // the last pings get a moment to come back
      vertx.setTimer(500, id2 -> {
        result.complete(result(endedEpochMs));
        ws.close();
      });
    });
  }

  public Future<Void> close() {
    return vertx.close();
  }

  private void ping(WebSocket ws) {
    long id = ++next;
    outstanding.put(id, System.nanoTime());
    ws.writeTextMessage("{\"id\":" + id + ",\"type\":\"ping\"}");
  }

  private void answer(String text) {
    long now = System.nanoTime();
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      return;
    }
    Long id = frame.getLong("id");
    Long sentAt = id == null ? null : outstanding.remove(id);
    if (sentAt == null || !"pong".equals(frame.getString("type"))) {
      return;
    }
    long nanos = now - sentAt;
    answered++;
    delays.recordValue(Math.min(nanos / 1000, delays.getHighestTrackableValue()));
    if (nanos > 10_000_000) {
      over10++;
      slow.add(new Slow(startedEpochMs + (sentAt - started) / 1_000_000, nanos / 1e6));
    }
    if (nanos > worstNanos) {
      worstNanos = nanos;
      worstAt = sentAt - started;
    }
  }

  private Result result(long endedEpochMs) {
    return new Result(next, answered, worstNanos / 1e6, delays.getValueAtPercentile(50) / 1000.0,
        delays.getValueAtPercentile(99) / 1000.0, delays.getValueAtPercentile(99.9) / 1000.0, over10, worstAt / 1e9,
        List.copyOf(slow), startedEpochMs, endedEpochMs);
  }
}
