package io.rtgw.connection.session;

import io.rtgw.protocol.config.LimitsConfig;
import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-user publish rate of one node, in its memory: the buckets are the node's ({@link NodeLimits}),
 * shared by every connection instance, each one updated under its key's atomic step.
 */
final class MemoryUserPublishRate implements UserPublishRate {

  /** Past this many users with a bucket, buckets that are full again are forgotten (they hold nothing). */
  static final int MAX_BUCKETS = 100_000;

  private final LimitsConfig limits;
  private final ConcurrentHashMap<String, TokenBucket> buckets;

  MemoryUserPublishRate(LimitsConfig limits, ConcurrentHashMap<String, TokenBucket> buckets) {
    this.limits = limits;
    this.buckets = buckets;
  }

  @Override
  public Future<Void> take(String user) {
    if (buckets.size() >= MAX_BUCKETS) {
      buckets.keySet().forEach(k -> buckets.computeIfPresent(k, (key, b) -> b.full() ? null : b));
    }
    long[] retryMs = new long[1];
    buckets.compute(user, (u, b) -> {
      TokenBucket bucket = b != null ? b : new TokenBucket(limits.userPublishesPerSecond(), limits.userPublishBurst());
      retryMs[0] = bucket.take() ? 0 : bucket.retryAfterMs();
      return bucket;
    });
    return retryMs[0] == 0 ? Future.succeededFuture()
        : Future.failedFuture(UserPublishRate.refusal(limits, retryMs[0]));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
