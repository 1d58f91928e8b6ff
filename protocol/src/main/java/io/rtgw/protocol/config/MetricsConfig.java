package io.rtgw.protocol.config;

/**
 * Prometheus metrics at {@code GET /metrics} on the HTTP port: the gateway's own ({@code rtgw_*}) and
 * Vert.x's (HTTP server, pools; the event bus's are off, since every channel is an address and would be
 * a label of its own).
 *
 * <p>{@code port}: a management port (0, the default: none). Set, the process serves {@code /metrics}
 * there, with {@code /health/live} and {@code /health/ready} when it runs the connection tier, and the
 * client-facing HTTP port no longer does, so an operator can keep them off the public listener. A process
 * without the connection tier (e.g. {@code conf/core.json}) has no HTTP port: this is the only way to
 * scrape its tiers' metrics. It binds the same address as {@code http.host}.
 */
public record MetricsConfig(Boolean enabled, Integer port) {

  /**
   * The name of the one Micrometer registry of a process, which the launcher sets up for Vert.x and every
   * tier registers its meters in (each tier may run in a process of its own).
   */
  public static final String REGISTRY = "rtgw";

  /** No management port: {@code /metrics} and the probes are on the HTTP port. */
  public static final int NO_PORT = 0;

  public MetricsConfig {
    enabled = enabled == null || enabled;
    port = port == null ? NO_PORT : port;
    Check.range("metrics.port", port, 0, 65535);
  }

  /** Whether {@code /metrics} and the probes are served on a management port of their own. */
  public boolean managementPort() {
    return port != NO_PORT;
  }
}
