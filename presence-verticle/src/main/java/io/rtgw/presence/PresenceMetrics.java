package io.rtgw.presence;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.config.MetricsConfig;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The presence tier's meters, registered by each presence instance in its own process's registry:
 * {@code rtgw_presence_entries}, the clients the registry lists (every channel, every node), read from the
 * store once per sweep interval; and {@code rtgw_presence_events_total{type}}, the joins and leaves this
 * instance published (each change is published by exactly one instance, so the sum over instances is the
 * cluster's).
 *
 * <p>With the Redis store every instance reads the same shared count; the gauge is a fact about the
 * registry, not a sum to add up across instances (take {@code max}).
 */
final class PresenceMetrics {

  /**
   * The one value of this process: Prometheus keeps one series per name, and the registry holds a gauge's
   * object weakly, so it must outlive any instance that registered it.
   */
  private static final AtomicLong ENTRIES = new AtomicLong();

  private final Counter joins;
  private final Counter leaves;

  private PresenceMetrics(MeterRegistry registry) {
    Gauge.builder("rtgw_presence_entries", ENTRIES, AtomicLong::get)
        .description("Clients the presence registry lists, over every channel and node").register(registry);
    joins = events(registry, PresenceEvent.JOIN);
    leaves = events(registry, PresenceEvent.LEAVE);
  }

  /** Into the process registry when metrics are on, else into one that keeps nothing. */
  static PresenceMetrics create() {
    MeterRegistry registry = BackendRegistries.getNow(MetricsConfig.REGISTRY);
    return new PresenceMetrics(registry != null ? registry : new CompositeMeterRegistry());
  }

  void entries(long count) {
    ENTRIES.set(count);
  }

  void published(List<PresenceEvent> events) {
    for (PresenceEvent e : events) {
      (PresenceEvent.JOIN.equals(e.type()) ? joins : leaves).increment();
    }
  }

  private static Counter events(MeterRegistry registry, String type) {
    return Counter.builder("rtgw_presence_events").tag("type", type)
        .description("Presence joins and leaves published by this instance").register(registry);
  }
}
