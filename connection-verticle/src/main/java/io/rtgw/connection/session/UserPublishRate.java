package io.rtgw.connection.session;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.LimitsConfig;
import io.rtgw.redis.RedisLink;
import io.rtgw.redis.RedisTokenBuckets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * How fast one user may publish from clients, on every transport together
 * ({@code limits.userPublishesPerSecond}, {@code userPublishBurst}): a token bucket per user, in this
 * verticle's memory or in Redis for every gateway sharing it ({@code limits.store}). A publish over it
 * fails with {@code rate_limited} and a sentence saying when to retry.
 */
public interface UserPublishRate {

  /** Succeeds when {@code user} may publish now; fails with {@code rate_limited} otherwise. */
  Future<Void> take(String user);

  Future<Void> close();

  /** The rate the configuration asks for: none, per node ({@code node}'s buckets), or shared through Redis. */
  static UserPublishRate create(Vertx vertx, GatewayConfig config, NodeLimits node) {
    LimitsConfig limits = config.limits();
    if (limits.userPublishesPerSecond() == 0) {
      return NONE;
    }
    if (LimitsConfig.REDIS.equals(limits.store())) {
      return new RedisUserPublishRate(limits, new RedisTokenBuckets(
          new RedisLink(vertx, config.redis(), "rate limit"), config.redis().keyPrefix() + "rate:user-publish:"));
    }
    return new MemoryUserPublishRate(limits, node.userPublishBuckets());
  }

  UserPublishRate NONE = new UserPublishRate() {
    @Override
    public Future<Void> take(String user) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  };

  static GatewayException refusal(LimitsConfig limits, long retryMs) {
    io.rtgw.connection.metrics.GatewayMetrics.current().refused("user_publishes");
    return new GatewayException(ErrorCode.RATE_LIMITED, "Too many publishes by this user (at most "
        + limits.userPublishesPerSecond() + " a second, on every connection together); retry in " + retryMs + " ms.");
  }
}
