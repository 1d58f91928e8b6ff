package io.rtgw.protocol.config;

/**
 * Prometheus metrics at {@code GET /metrics} on the HTTP port: the gateway's own ({@code rtgw_*}) and
 * Vert.x's (HTTP server, pools; the event bus's are off, since every channel is an address and would be
 * a label of its own).
 */
public record MetricsConfig(Boolean enabled) {

  /**
   * The name of the one Micrometer registry of a process, which the launcher sets up for Vert.x and every
   * tier registers its meters in (each tier may run in a process of its own).
   */
  public static final String REGISTRY = "rtgw";

  public MetricsConfig {
    enabled = enabled == null || enabled;
  }
}
