package io.rtgw.deploy.fault;

import io.vertx.core.json.JsonObject;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes {@code count} messages to one channel over {@code POST /publish} at a steady rate, message i
 * with idempotency key {@code <prefix>-i} and data {@code {"i": i}}. A publish that fails (an error
 * answer, a refused or broken connection, a timeout) is retried with the same key on the next
 * connection node, until it is acknowledged: the retry a real client makes after a lost reply.
 */
final class KeyedPublisher implements AutoCloseable {

  /** One failed attempt: when, how long it took to fail, and what it got (the error's code and sentence). */
  record Failure(long atMs, long tookMs, int status, String code, String message) {
  }

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "keyed-publisher");
    t.setDaemon(true);
    return t;
  });
  private final String channel;
  private final String prefix;
  private final String user;
  private final List<Integer> ports;
  private final long retryDelayMs;
  private final Duration requestTimeout;
  private final Map<Integer, JsonObject> acks = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> attempts = new ConcurrentHashMap<>();
  private final List<Failure> failures = new ArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private volatile List<Integer> skip = List.of();
  private volatile int cap;

  KeyedPublisher(String channel, String prefix, String user, List<Integer> ports, long retryDelayMs, Duration requestTimeout) {
    this.channel = channel;
    this.prefix = prefix;
    this.user = user;
    this.ports = List.copyOf(ports);
    this.retryDelayMs = retryDelayMs;
    this.requestTimeout = requestTimeout;
  }

  /** Starts publishing messages 1..count, {@code perSecond} new ones a second; see {@link #await}. */
  KeyedPublisher start(int count, int perSecond) {
    cap = count;
    long periodMicros = 1_000_000L / perSecond;
    timer.scheduleAtFixedRate(() -> {
      synchronized (next) {
        if (next.get() >= cap) {
          return;
        }
        int i = next.incrementAndGet();
        attempt(i, i % ports.size());
      }
    }, 0, periodMicros, TimeUnit.MICROSECONDS);
    return this;
  }

  /** Publishes no new message from now on; returns how many were started (all of them get retried to the end). */
  int finish() {
    synchronized (next) {
      cap = next.get();
      return cap;
    }
  }

  /** Nodes not to send to (e.g. one about to be stopped); publishes go to the others. */
  void avoid(List<Integer> ports) {
    this.skip = List.copyOf(ports);
  }

  /** Waits until every publish is acknowledged; false when {@code within} ran out first. */
  boolean await(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (acks.size() < cap || next.get() < cap) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /**
   * {@link #await}, failing the test when the time runs out; the message counts the failed attempts by
   * their sentence and carries the processes' last warnings, since a CI summary may keep nothing else.
   */
  void assertAcknowledged(Duration within, ProcessCluster cluster) throws InterruptedException {
    boolean acknowledged = await(within);
    org.assertj.core.api.Assertions.assertThat(acknowledged).as("every publish to " + channel + " acknowledged; " + acks.size()
        + " of " + cap + " were; failed attempts " + failuresByMessage() + "; " + cluster.warnings(15)).isTrue();
  }

  private void attempt(int i, int portIndex) {
    int index = portIndex % ports.size();
    for (int k = 0; k < ports.size() && skip.contains(ports.get(index)); k++) {
      index = (index + 1) % ports.size();
    }
    int port = ports.get(index);
    int nextIndex = index + 1;
    attempts.merge(i, 1, Integer::sum);
    JsonObject body = new JsonObject().put("channel", channel).put("data", new JsonObject().put("i", i)).put("key", prefix + "-" + i);
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish" + (user == null ? "" : "?user=" + user)))
        .timeout(requestTimeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build();
    long sent = System.nanoTime();
    client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      if (e == null && r.statusCode() == 200) {
        acks.putIfAbsent(i, new JsonObject(r.body()));
        return;
      }
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      String code = cause != null ? cause.getClass().getSimpleName() : field(r.body(), "code");
      String message = cause != null ? String.valueOf(cause.getMessage()) : field(r.body(), "message");
      synchronized (failures) {
        failures.add(new Failure(System.currentTimeMillis(), took, e != null ? 0 : r.statusCode(), code, message));
      }
      timer.schedule(() -> attempt(i, nextIndex), retryDelayMs, TimeUnit.MILLISECONDS);
    });
  }

  private static String field(String body, String name) {
    try {
      return new JsonObject(body).getString(name, "?");
    } catch (RuntimeException e) {
      return "not json";
    }
  }

  /** Acknowledged replies by message number. */
  Map<Integer, JsonObject> acks() {
    return new TreeMap<>(acks);
  }

  /** The failed attempts counted by status, code and sentence: what a failing assertion should show. */
  Map<String, Long> failuresByMessage() {
    Map<String, Long> by = new TreeMap<>();
    for (Failure f : failures()) {
      by.merge(f.status() + " " + f.code() + ": " + f.message(), 1L, Long::sum);
    }
    return by;
  }

  List<Failure> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** Messages that needed more than one attempt. */
  long retried() {
    return attempts.values().stream().filter(a -> a > 1).count();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
