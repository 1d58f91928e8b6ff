package io.rtgw.history;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.MetricsConfig;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The history tier's meters, registered by each history instance in its own process's registry:
 * {@code rtgw_history_appends_total{result}} ({@code ok}, {@code duplicate} for a repeated idempotency
 * key, or the error code), {@code rtgw_history_reads_total{result}} (the connection tier's reads and the
 * public queries alike) and {@code rtgw_history_store_latency_seconds{operation}}, the store's time for an
 * append or a read whatever it answered. Every meter is made here, once per instance: the hot path looks
 * nothing up.
 */
final class HistoryMetrics {

  static final String OK = "ok";
  static final String DUPLICATE = "duplicate";

  private final Counter appendedOk;
  private final Counter appendedDuplicate;
  private final Map<ErrorCode, Counter> appendFailures = new EnumMap<>(ErrorCode.class);
  private final Counter readOk;
  private final Map<ErrorCode, Counter> readFailures = new EnumMap<>(ErrorCode.class);
  private final Timer appendLatency;
  private final Timer readLatency;

  HistoryMetrics(MeterRegistry registry) {
    appendedOk = appends(registry, OK);
    appendedDuplicate = appends(registry, DUPLICATE);
    readOk = reads(registry, OK);
    for (ErrorCode code : ErrorCode.values()) {
      appendFailures.put(code, appends(registry, code.code()));
      readFailures.put(code, reads(registry, code.code()));
    }
    appendLatency = latency(registry, "append");
    readLatency = latency(registry, "read");
  }

  /** Into the process registry when metrics are on, else into one that keeps nothing. */
  static HistoryMetrics create() {
    MeterRegistry registry = BackendRegistries.getNow(MetricsConfig.REGISTRY);
    return new HistoryMetrics(registry != null ? registry : new CompositeMeterRegistry());
  }

  void appended(long startedNanos, boolean duplicate) {
    appendLatency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    (duplicate ? appendedDuplicate : appendedOk).increment();
  }

  void appendFailed(long startedNanos, Throwable failure) {
    if (startedNanos != 0) {
      appendLatency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }
    appendFailures.get(code(failure)).increment();
  }

  void read(long startedNanos) {
    readLatency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    readOk.increment();
  }

  /** {@code startedNanos} 0: refused before the store was asked (a malformed query). */
  void readFailed(long startedNanos, Throwable failure) {
    if (startedNanos != 0) {
      readLatency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }
    readFailures.get(code(failure)).increment();
  }

  private static ErrorCode code(Throwable failure) {
    return failure instanceof GatewayException g ? g.code() : ErrorCode.INTERNAL;
  }

  private static Counter appends(MeterRegistry registry, String result) {
    return Counter.builder("rtgw_history_appends").tag("result", result)
        .description("Appends the history tier answered, by result").register(registry);
  }

  private static Counter reads(MeterRegistry registry, String result) {
    return Counter.builder("rtgw_history_reads").tag("result", result)
        .description("History reads (catch-up pages, gap fills, public queries), by result").register(registry);
  }

  private static Timer latency(MeterRegistry registry, String operation) {
    return Timer.builder("rtgw_history_store_latency").tag("operation", operation)
        .description("The history store's time for one append or read")
        // the memory store answers in microseconds, Redis in about a millisecond, a failing one in seconds
        .serviceLevelObjectives(Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(registry);
  }
}
