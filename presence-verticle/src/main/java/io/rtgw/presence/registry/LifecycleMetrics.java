package io.rtgw.presence.registry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.rtgw.protocol.config.MetricsConfig;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * {@code rtgw_lifecycle_events_total{type}}: the lifecycle events this process published. The registry
 * publishes occupied, vacated and a departed node's disconnected (each decided by one call, so once in
 * the cluster); the connection tier counts the rest under the same name.
 */
final class LifecycleMetrics {

  private final MeterRegistry registry;

  private LifecycleMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  static LifecycleMetrics create() {
    MeterRegistry registry = BackendRegistries.getNow(MetricsConfig.REGISTRY);
    return new LifecycleMetrics(registry != null ? registry : new CompositeMeterRegistry());
  }

  void published(String type) {
    Counter.builder("rtgw_lifecycle_events").tag("type", type)
        .description("Lifecycle events published (connected, disconnected, subscribed, unsubscribed, occupied, vacated)")
        .register(registry).increment();
  }

  void posted(String result) {
    Counter.builder("rtgw_lifecycle_posts").tag("result", result)
        .description("Batches of lifecycle events posted to events.url, by result").register(registry).increment();
  }
}
