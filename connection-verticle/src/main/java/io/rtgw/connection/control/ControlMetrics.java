package io.rtgw.connection.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.rtgw.protocol.config.MetricsConfig;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * {@code rtgw_control_requests_total{op,result}}: control requests this instance answered, by op and by
 * result ({@code ok}, {@code refused}: bad input, answered with its error code; {@code failed}: the
 * registry could not be asked).
 */
final class ControlMetrics {

  private final MeterRegistry registry;

  ControlMetrics() {
    MeterRegistry r = BackendRegistries.getNow(MetricsConfig.REGISTRY);
    this.registry = r != null ? r : new CompositeMeterRegistry();
  }

  void answered(String op, String result) {
    Counter.builder("rtgw_control_requests").tag("op", op).tag("result", result)
        .description("Control API requests answered, by op and result").register(registry).increment();
  }
}
