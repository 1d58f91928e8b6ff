package io.rtgw.protocol.redis;

/**
 * Where {@link io.rtgw.redis.RedisLink} was before the Redis helpers left protocol for this module. Only
 * its public constant is left here, for deploy's {@code RedisPresenceGatewayTest}, which still imports
 * this name; delete this file once that test imports {@code io.rtgw.redis.RedisLink}.
 */
@Deprecated(forRemoval = true)
public final class RedisLink {

  public static final long MAX_BACKOFF_MS = io.rtgw.redis.RedisLink.MAX_BACKOFF_MS;

  private RedisLink() {
  }
}
