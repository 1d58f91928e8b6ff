package io.rtgw.protocol.config;

/**
 * Where channel logs live ({@code memory}: this process only; {@code redis}: shared), how long an
 * idempotency key is remembered, and how many recent appends the changes feed remembers for the
 * connection nodes' position checks ({@code changesRetained}): a node whose last question is older than
 * that many appends checks all its channels instead.
 */
public record HistoryConfig(String store, Long idempotencyWindowMs, Integer changesRetained) {

  public static final String MEMORY = "memory";
  public static final String REDIS = "redis";
  public static final long DEFAULT_IDEMPOTENCY_WINDOW_MS = 120_000;
  public static final int DEFAULT_CHANGES_RETAINED = 100_000;

  public HistoryConfig {
    store = store == null ? MEMORY : store;
    idempotencyWindowMs = idempotencyWindowMs == null ? DEFAULT_IDEMPOTENCY_WINDOW_MS : idempotencyWindowMs;
    changesRetained = changesRetained == null ? DEFAULT_CHANGES_RETAINED : changesRetained;
    if (!store.equals(MEMORY) && !store.equals(REDIS)) {
      throw new ConfigException("history.store must be \"memory\" or \"redis\", not \"" + store + "\".");
    }
    Check.range("history.idempotencyWindowMs", idempotencyWindowMs, 1_000, 86_400_000);
    Check.range("history.changesRetained", changesRetained, 100, 10_000_000);
  }
}
