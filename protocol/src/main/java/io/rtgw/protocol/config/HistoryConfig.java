package io.rtgw.protocol.config;

/**
 * Where channel logs live ({@code memory}: this process only; {@code redis}: shared) and how long an
 * idempotency key is remembered.
 */
public record HistoryConfig(String store, Long idempotencyWindowMs) {

  public static final String MEMORY = "memory";
  public static final String REDIS = "redis";
  public static final long DEFAULT_IDEMPOTENCY_WINDOW_MS = 120_000;

  public HistoryConfig {
    store = store == null ? MEMORY : store;
    idempotencyWindowMs = idempotencyWindowMs == null ? DEFAULT_IDEMPOTENCY_WINDOW_MS : idempotencyWindowMs;
    if (!store.equals(MEMORY) && !store.equals(REDIS)) {
      throw new ConfigException("history.store must be \"memory\" or \"redis\", not \"" + store + "\".");
    }
    Check.range("history.idempotencyWindowMs", idempotencyWindowMs, 1_000, 86_400_000);
  }
}
