package io.rtgw.redis;

import io.vertx.core.Future;
import java.util.List;

/**
 * Token buckets kept in Redis, so every gateway sharing it takes from the same bucket: one script call
 * per take, atomic, on Redis's clock. A bucket's key expires once it would be full again.
 */
public final class RedisTokenBuckets {

  private static final LuaScript TAKE = LuaScript.load(RedisTokenBuckets.class, "token-bucket.lua");

  private final RedisLink link;
  private final String prefix;

  /** Buckets under {@code prefix} (the configured key prefix and what they count, e.g. "rtgw:rate:user:"). */
  public RedisTokenBuckets(RedisLink link, String prefix) {
    this.link = link;
    this.prefix = prefix;
  }

  /**
   * Takes one token from bucket {@code name} ({@code perSecond} refilled, at most {@code burst} saved):
   * 0 when taken, else the milliseconds until the next token. Fails with {@code unavailable} where Redis
   * cannot answer within the command timeout.
   */
  public Future<Long> take(String name, double perSecond, double burst) {
    return link.call(TAKE, List.of(prefix + name), List.of(String.valueOf(perSecond), String.valueOf(burst)))
        .map(r -> r.toLong());
  }

  public Future<Void> close() {
    return link.close();
  }
}
