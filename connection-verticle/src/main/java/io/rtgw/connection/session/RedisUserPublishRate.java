package io.rtgw.connection.session;

import io.rtgw.protocol.config.LimitsConfig;
import io.rtgw.redis.RedisTokenBuckets;
import io.vertx.core.Future;

/**
 * The per-user publish rate shared by every gateway on one Redis: one bucket per user, taken from by one
 * script call per publish. Where Redis cannot answer, the publish goes on (and is counted): the limit
 * guards against abuse, and the per-connection rates still hold, whereas refusing every publish of every
 * user while Redis is away would turn its outage into the gateway's.
 */
final class RedisUserPublishRate implements UserPublishRate {

  private final LimitsConfig limits;
  private final RedisTokenBuckets buckets;
  private final io.rtgw.connection.metrics.GatewayMetrics metrics = io.rtgw.connection.metrics.GatewayMetrics.current();

  RedisUserPublishRate(LimitsConfig limits, RedisTokenBuckets buckets) {
    this.limits = limits;
    this.buckets = buckets;
  }

  @Override
  public Future<Void> take(String user) {
    return buckets.take(user, limits.userPublishesPerSecond(), limits.userPublishBurst())
        .<Void>compose(wait -> wait == 0 ? Future.succeededFuture()
            : Future.failedFuture(UserPublishRate.refusal(limits, wait)))
        .recover(e -> {
          if (e instanceof io.rtgw.protocol.GatewayException g && g.code() == io.rtgw.protocol.ErrorCode.RATE_LIMITED) {
            return Future.failedFuture(e);
          }
          metrics.unchecked("user_publishes");
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<Void> close() {
    return buckets.close();
  }
}
