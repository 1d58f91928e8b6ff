package io.rtgw.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.config.MetricsConfig;
import io.vertx.micrometer.backends.BackendRegistries;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one store's Redis calls: {@code rtgw_redis_command_latency_seconds{store}} (a histogram of
 * every call, replies and failures alike, from send to outcome) and
 * {@code rtgw_redis_command_failures_total{store, code}} ({@code unavailable}: Redis down, hung, overloaded;
 * {@code internal}: a script error or a key of the wrong type). Every call of a {@link RedisLink} goes
 * through here, so no store can forget to count one.
 */
public final class RedisMetrics {

  private final Timer latency;
  private final Counter unavailable;
  private final Counter internal;

  RedisMetrics(MeterRegistry registry, String store) {
    latency = Timer.builder("rtgw_redis_command_latency")
        .description("Redis calls of a store, from send to reply or failure")
        .tag("store", store)
        // a Redis on the same network answers in well under a millisecond; the top buckets are a hung one
        .serviceLevelObjectives(Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(registry);
    unavailable = failures(registry, store, ErrorCode.UNAVAILABLE);
    internal = failures(registry, store, ErrorCode.INTERNAL);
  }

  /** Into the process registry when metrics are on, else into one that keeps nothing. */
  static RedisMetrics of(String store) {
    MeterRegistry registry = BackendRegistries.getNow(MetricsConfig.REGISTRY);
    return new RedisMetrics(registry != null ? registry : new CompositeMeterRegistry(), store);
  }

  private static Counter failures(MeterRegistry registry, String store, ErrorCode code) {
    return Counter.builder("rtgw_redis_command_failures")
        .description("Redis calls of a store that failed, by the protocol code they were answered with")
        .tag("store", store).tag("code", code.code())
        .register(registry);
  }

  void completed(long startedNanos, ErrorCode failure) {
    latency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    if (failure == ErrorCode.UNAVAILABLE) {
      unavailable.increment();
    } else if (failure != null) {
      internal.increment();
    }
  }
}
