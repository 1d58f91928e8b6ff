package io.rtgw.connection.session;

import io.rtgw.protocol.config.LimitsConfig;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/** The per-user publish rate of one connection verticle, in its memory (one event loop: no locking). */
final class MemoryUserPublishRate implements UserPublishRate {

  /** Past this many users with a bucket, buckets that are full again are forgotten (they hold nothing). */
  static final int MAX_BUCKETS = 100_000;

  private final LimitsConfig limits;
  private final Map<String, TokenBucket> buckets = new HashMap<>();

  MemoryUserPublishRate(LimitsConfig limits) {
    this.limits = limits;
  }

  @Override
  public Future<Void> take(String user) {
    if (buckets.size() >= MAX_BUCKETS) {
      buckets.values().removeIf(TokenBucket::full);
    }
    TokenBucket bucket = buckets.computeIfAbsent(user,
        u -> new TokenBucket(limits.userPublishesPerSecond(), limits.userPublishBurst()));
    return bucket.take() ? Future.succeededFuture()
        : Future.failedFuture(UserPublishRate.refusal(limits, bucket.retryAfterMs()));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
