package io.rtgw.protocol.config;

/**
 * Presence. Connection nodes refresh their entries every {@code heartbeatMs} (one batch per node);
 * an entry not refreshed within {@code ttlHeartbeats} heartbeats (default 3) expires at the next sweep
 * ({@code sweepMs}). The TTL is counted in heartbeats so that changing the interval keeps it in step. Joins and leaves are reported after at most {@code reportDelayMs}, so a storm of
 * reconnects becomes a few batches instead of one bus message per client.
 */
public record PresenceConfig(String store, Long heartbeatMs, Integer ttlHeartbeats, Long sweepMs, Long reportDelayMs) {

  public static final String MEMORY = "memory";
  public static final String REDIS = "redis";
  public static final long DEFAULT_HEARTBEAT_MS = 10_000;
  public static final int DEFAULT_TTL_HEARTBEATS = 3;
  public static final long DEFAULT_SWEEP_MS = 1_000;
  public static final long DEFAULT_REPORT_DELAY_MS = 20;

  public PresenceConfig {
    store = store == null ? MEMORY : store;
    heartbeatMs = heartbeatMs == null ? DEFAULT_HEARTBEAT_MS : heartbeatMs;
    ttlHeartbeats = ttlHeartbeats == null ? DEFAULT_TTL_HEARTBEATS : ttlHeartbeats;
    sweepMs = sweepMs == null ? DEFAULT_SWEEP_MS : sweepMs;
    reportDelayMs = reportDelayMs == null ? DEFAULT_REPORT_DELAY_MS : reportDelayMs;
    if (!store.equals(MEMORY) && !store.equals(REDIS)) {
      throw new ConfigException("presence.store must be \"memory\" or \"redis\", not \"" + store + "\".");
    }
    Check.range("presence.heartbeatMs", heartbeatMs, 50, 3_600_000);
    Check.range("presence.ttlHeartbeats", ttlHeartbeats, 2, 100);
    Check.range("presence.sweepMs", sweepMs, 10, 3_600_000);
    Check.range("presence.reportDelayMs", reportDelayMs, 1, 10_000);
  }

  /** How long an entry lives after its last refresh. */
  public long ttlMs() {
    return ttlHeartbeats * heartbeatMs;
  }
}
