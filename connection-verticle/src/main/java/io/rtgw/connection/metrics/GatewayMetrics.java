package io.rtgw.connection.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connection tier's metrics ({@code rtgw_*}, Prometheus conventions: base units, {@code _total}
 * counters, labels only from small fixed sets: never a channel or a user). One facade, so the transports
 * and the session call a method instead of knowing Micrometer. Without metrics (disabled, or a Vertx
 * built without them) every meter goes to a registry that keeps nothing.
 *
 * <p>Gauges of live things sum over every connection verticle of the process: Prometheus keeps one
 * series per name and labels, so each instance adds to the one process-wide value.
 */
public final class GatewayMetrics {

  /** The Micrometer registry the launcher sets up for Vert.x and the gateway alike. */
  public static final String REGISTRY = io.rtgw.protocol.config.MetricsConfig.REGISTRY;

  public static final String WS = "ws";
  public static final String SSE = "sse";
  public static final String POLL = "poll";

  private static final Map<String, AtomicLong> LIVE = new ConcurrentHashMap<>();

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer deliveryLatency;
  private final Map<String, Timer> hookLatency = new ConcurrentHashMap<>();
  /** Built once: counted per delivery and subscriber, the hot path neither allocates nor hashes to find them. */
  private final Counter wsDeliveries;
  private final Counter sseDeliveries;
  private final Counter pollDeliveries;
  /** Counted per publish: the other results go through {@link #counter}, which builds a key. */
  private final Counter publishedOk;
  private final AtomicLong draining;

  private GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String transport : new String[] {WS, SSE, POLL}) {
      AtomicLong live = LIVE.computeIfAbsent("connections." + transport, k -> new AtomicLong());
      Gauge.builder("rtgw_connections", live, AtomicLong::get).tag("transport", transport)
          .description("Connections now open (held polls for poll)").register(registry);
    }
    Gauge.builder("rtgw_subscriptions", LIVE.computeIfAbsent("subscriptions", k -> new AtomicLong()), AtomicLong::get)
        .description("Client subscriptions now open, on every transport").register(registry);
    Gauge.builder("rtgw_channels", LIVE.computeIfAbsent("channels", k -> new AtomicLong()), AtomicLong::get)
        .description("Channels with local subscribers on this node").register(registry);
    draining = LIVE.computeIfAbsent("draining", k -> new AtomicLong());
    Gauge.builder("rtgw_draining", draining, AtomicLong::get).description("1 while the node drains").register(registry);
    wsDeliveries = Counter.builder("rtgw_deliveries").tag("transport", WS).register(registry);
    sseDeliveries = Counter.builder("rtgw_deliveries").tag("transport", SSE).register(registry);
    pollDeliveries = Counter.builder("rtgw_deliveries").tag("transport", POLL).register(registry);
    deliveryLatency = Timer.builder("rtgw_delivery_latency")
        .description("From a message's acceptance to its fan-out on this node")
        // a dozen fixed buckets, from the 1 ms of a healthy node to the seconds of a stalled one
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10))
        .register(registry);
    preRegister();
    publishedOk = counter("rtgw_publishes", "result", "ok");
  }

  /** The limits that refuse, as {@link #refused} names them. */
  static final String[] LIMITS = {"connections", "rate", "commands_abuse", "subscriptions", "commands", "publishes",
      "user_publishes", "header_timeout", "frame_protocol", "frame_size"};

  /**
   * Every series of a fixed label set exists from the start, at 0: a series that appears only with its
   * first event makes {@code rate()} and {@code increase()} blind to that event, and an alert on it silent
   * until the second one. Close reasons stay open-ended (a close code a client sends), so they appear as
   * they happen.
   */
  private void preRegister() {
    counter("rtgw_publishes", "result", "ok");
    for (io.rtgw.protocol.ErrorCode code : io.rtgw.protocol.ErrorCode.values()) {
      counter("rtgw_publishes", "result", code.code());
    }
    counter("rtgw_gap_fills");
    counter("rtgw_gap_fill_messages");
    counter("rtgw_route_failures");
    counter("rtgw_channel_open_timeouts");
    counter("rtgw_resumes", "recovered", "true");
    counter("rtgw_resumes", "recovered", "false");
    for (String transport : new String[] {WS, SSE, POLL}) {
      counter("rtgw_slow_consumer_closes", "transport", transport);
      counter("rtgw_connections_opened", "transport", transport);
    }
    for (String limit : LIMITS) {
      counter("rtgw_limit_refusals", "limit", limit);
    }
    for (String hook : HOOKS) {
      for (String result : HOOK_RESULTS) {
        counter("rtgw_hook_requests", "hook", hook, "result", result);
      }
    }
  }

  private static volatile GatewayMetrics current;

  /**
   * The metrics of this process, into the launcher's registry when there is one, else nowhere. Objects
   * take it once, when they are made (a connection, a channel), not on every count.
   */
  public static GatewayMetrics current() {
    MeterRegistry registry = BackendRegistries.getNow(REGISTRY);
    GatewayMetrics m = current;
    if (m == null || (registry != null && m.registry != registry)) {
      synchronized (GatewayMetrics.class) {
        m = current;
        if (m == null || (registry != null && m.registry != registry)) {
          m = new GatewayMetrics(registry != null ? registry : new CompositeMeterRegistry());
          current = m;
        }
      }
    }
    return m;
  }

  public void connectionOpened(String transport) {
    LIVE.get("connections." + transport).incrementAndGet();
    counter("rtgw_connections_opened", "transport", transport).increment();
  }

  /** {@code reason}: a WebSocket close code, or for HTTP transports "end", "slow", "drain", "expired". */
  public void connectionClosed(String transport, String reason) {
    LIVE.get("connections." + transport).decrementAndGet();
    counter("rtgw_connections_closed", "transport", transport, "reason", reason).increment();
  }

  public void subscribed(int delta) {
    LIVE.get("subscriptions").addAndGet(delta);
  }

  public void channels(int delta) {
    LIVE.get("channels").addAndGet(delta);
  }

  /** {@code result}: "ok", or the protocol's error code. */
  public void published(String result) {
    ("ok".equals(result) ? publishedOk : counter("rtgw_publishes", "result", result)).increment();
  }

  /** {@code transport}: {@link #WS}, {@link #SSE} or {@link #POLL}. */
  public void delivered(String transport) {
    (WS.equals(transport) ? wsDeliveries : SSE.equals(transport) ? sseDeliveries : pollDeliveries).increment();
  }

  public void deliveryLatency(long acceptedAtMs) {
    long ms = System.currentTimeMillis() - acceptedAtMs;
    deliveryLatency.record(Math.max(0, ms), TimeUnit.MILLISECONDS);
  }

  /** {@code changes}: route adds and removes of node-routed channels that one failed request did not store. */
  public void routeFailures(int changes) {
    counter("rtgw_route_failures").increment(changes);
  }

  /** A channel's open did not settle in time: its waiting subscribes were answered {@code unavailable}. */
  public void openTimedOut() {
    counter("rtgw_channel_open_timeouts").increment();
  }

  public void gapFilled(int messages) {
    counter("rtgw_gap_fills").increment();
    counter("rtgw_gap_fill_messages").increment(messages);
  }

  /** History could not say what changed since this node's cursor: every channel is read in batches. */
  public void fullPositionCheck() {
    counter("rtgw_full_position_checks").increment();
  }

  /** Channels whose positions one batched read brought (full checks, retries, the epoch refresh). */
  public void positionsRead(int channels) {
    counter("rtgw_position_reads").increment(channels);
  }

  public void resumed(boolean recovered) {
    counter("rtgw_resumes", "recovered", String.valueOf(recovered)).increment();
  }

  public void slowConsumer(String transport) {
    counter("rtgw_slow_consumer_closes", "transport", transport).increment();
  }

  /** {@code limit}: which limit refused (connections_per_node, commands, subscriptions, ...). */
  public void refused(String limit) {
    counter("rtgw_limit_refusals", "limit", limit).increment();
  }

  /** {@code limit}: a limit that could not be checked (its Redis did not answer) and let the request pass. */
  public void unchecked(String limit) {
    counter("rtgw_limit_unchecked", "limit", limit).increment();
  }

  /** This node told its clients to reconnect elsewhere: it could reach no history or no fanout member. */
  public void outageNotice() {
    counter("rtgw_outage_notices").increment();
  }

  /** The hooks whose requests are counted, and the results a request ends in. */
  public static final String[] HOOKS = {"connect", "subscribe", "publish", "refresh", "rpc"};
  public static final String[] HOOK_RESULTS = {"allow", "refuse", "answered", "timeout", "error", "too_large",
      "invalid"};

  /**
   * A hook request ended: {@code result} is allow, refuse, answered (an rpc), or why it failed (timeout,
   * error, too_large, invalid); {@code nanos} from asking to the answer or the failure.
   */
  public void hook(String hook, String result, long nanos) {
    counter("rtgw_hook_requests", "hook", hook, "result", result).increment();
    hookLatency.computeIfAbsent(hook, h -> Timer.builder("rtgw_hook_latency").tag("hook", h)
        .description("From asking a backend hook to its answer or failure")
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }

  public void draining(boolean on) {
    draining.set(on ? 1 : 0);
  }

  private Counter counter(String name, String... tags) {
    String key = tags.length == 0 ? name : name + String.join("\u0000", tags);
    return counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
  }
}
