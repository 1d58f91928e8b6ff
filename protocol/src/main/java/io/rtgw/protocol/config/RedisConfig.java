package io.rtgw.protocol.config;

/**
 * The Redis server the Redis stores (history, presence) use. {@code endpoint} is a
 * {@code redis://[user:password@]host:port[/db]} URI. Each store instance holds one pipelined connection
 * with at most {@code maxWaitingHandlers} calls waiting for their replies; past that, calls fail at once.
 * {@code commandTimeoutMs} bounds every store call, so a Redis that is down or hung fails requests with
 * {@code unavailable} instead of holding them. Every key starts with {@code keyPrefix}, so several gateways
 * (or tests) can share one Redis; it may not contain braces, which would move the cluster hash tag.
 */
public record RedisConfig(String endpoint, Integer maxWaitingHandlers, Long commandTimeoutMs, String keyPrefix) {

  public static final String DEFAULT_ENDPOINT = "redis://127.0.0.1:6379";
  /** Generous: a burst of publishes to one instance waits here; the command timeout bounds how long. */
  public static final int DEFAULT_MAX_WAITING_HANDLERS = 16_384;
  /** Below delivery.requestTimeoutMs, so a client hears "Redis is down", not "history did not answer". */
  public static final long DEFAULT_COMMAND_TIMEOUT_MS = 2_000;
  public static final String DEFAULT_KEY_PREFIX = "rtgw:";

  public RedisConfig {
    endpoint = endpoint == null ? DEFAULT_ENDPOINT : endpoint;
    maxWaitingHandlers = maxWaitingHandlers == null ? DEFAULT_MAX_WAITING_HANDLERS : maxWaitingHandlers;
    commandTimeoutMs = commandTimeoutMs == null ? DEFAULT_COMMAND_TIMEOUT_MS : commandTimeoutMs;
    keyPrefix = keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix;
    if (!endpoint.startsWith("redis://") && !endpoint.startsWith("rediss://") && !endpoint.startsWith("unix://")) {
      throw new ConfigException("redis.endpoint must be a redis://host:port URI (or rediss://, unix://), not \""
          + endpoint + "\".");
    }
    Check.range("redis.maxWaitingHandlers", maxWaitingHandlers, 1, 1_000_000);
    Check.range("redis.commandTimeoutMs", commandTimeoutMs, 10, 600_000);
    Check.range("redis.keyPrefix length", keyPrefix.length(), 0, 64);
    if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
      throw new ConfigException("redis.keyPrefix may not contain '{' or '}': they would change the cluster hash tag"
          + " that keeps a channel's keys together.");
    }
  }
}
