package io.rtgw.fanout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.MetricsConfig;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumMap;
import java.util.Map;

/**
 * The fanout tier's meter, registered by each fanout instance in its own process's registry:
 * {@code rtgw_fanout_requests_total{source, result}}, every publish this tier answered. {@code source} is
 * {@code client} (through a connection node) or {@code service} ({@code rt.publish}); {@code result} is
 * {@code ok}, {@code duplicate} (a repeated idempotency key, answered with the first position and not
 * delivered again) or the error code. The counters are made once per instance.
 */
final class FanoutMetrics {

  static final String CLIENT = "client";
  static final String SERVICE = "service";

  /** One source's counters. */
  static final class Source {
    private final Counter ok;
    private final Counter duplicate;
    private final Map<ErrorCode, Counter> failed = new EnumMap<>(ErrorCode.class);

    private Source(MeterRegistry registry, String source) {
      ok = counter(registry, source, "ok");
      duplicate = counter(registry, source, "duplicate");
      for (ErrorCode code : ErrorCode.values()) {
        failed.put(code, counter(registry, source, code.code()));
      }
    }

    void appended(boolean wasDuplicate) {
      (wasDuplicate ? duplicate : ok).increment();
    }

    void failed(Throwable failure) {
      failed.get(failure instanceof GatewayException g ? g.code() : ErrorCode.INTERNAL).increment();
    }
  }

  final Source client;
  final Source service;

  private FanoutMetrics(MeterRegistry registry) {
    client = new Source(registry, CLIENT);
    service = new Source(registry, SERVICE);
  }

  /** Into the process registry when metrics are on, else into one that keeps nothing. */
  static FanoutMetrics create() {
    MeterRegistry registry = BackendRegistries.getNow(MetricsConfig.REGISTRY);
    return new FanoutMetrics(registry != null ? registry : new CompositeMeterRegistry());
  }

  private static Counter counter(MeterRegistry registry, String source, String result) {
    return Counter.builder("rtgw_fanout_requests").tag("source", source).tag("result", result)
        .description("Publishes the fanout tier answered, by where they came from and result").register(registry);
  }
}
