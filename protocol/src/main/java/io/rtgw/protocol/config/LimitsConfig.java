package io.rtgw.protocol.config;

/**
 * Limits on what clients may open and send, each 0 for no limit. Connections count every transport (a
 * WebSocket, an SSE stream, a held poll); per node means per connection verticle instance's share of the
 * node. {@code connectionRatePerIp} is new connections per second from one client IP (with a burst of
 * as many); commands and publishes are token buckets per WebSocket: {@code commandsPerSecond} refilled,
 * {@code commandBurst} at most saved up, likewise for publishes (which count as commands too). The HTTP
 * API charges the same two rates to its caller (the user, or the client IP for anonymous calls).
 *
 * <p>{@code userPublishesPerSecond} and {@code userPublishBurst}: a token bucket per user for client
 * publishes on every transport, kept where {@code store} says: {@code memory} (each connection verticle
 * on its own) or {@code redis} (one bucket per user for every gateway sharing {@code redis.endpoint}).
 */
public record LimitsConfig(Integer connectionsPerNode, Integer connectionsPerUser, Integer connectionsPerIp,
                           Integer connectionRatePerIp, Integer commandsPerSecond, Integer commandBurst,
                           Integer publishesPerSecond, Integer publishBurst, Integer userPublishesPerSecond,
                           Integer userPublishBurst, String store) {

  public static final String MEMORY = "memory";
  public static final String REDIS = "redis";

  public LimitsConfig {
    connectionsPerNode = orZero(connectionsPerNode, "limits.connectionsPerNode");
    connectionsPerUser = orZero(connectionsPerUser, "limits.connectionsPerUser");
    connectionsPerIp = orZero(connectionsPerIp, "limits.connectionsPerIp");
    connectionRatePerIp = orZero(connectionRatePerIp, "limits.connectionRatePerIp");
    commandsPerSecond = orZero(commandsPerSecond, "limits.commandsPerSecond");
    commandBurst = orZero(commandBurst, "limits.commandBurst");
    publishesPerSecond = orZero(publishesPerSecond, "limits.publishesPerSecond");
    publishBurst = orZero(publishBurst, "limits.publishBurst");
    if (commandsPerSecond > 0 && commandBurst == 0) {
      commandBurst = commandsPerSecond;
    }
    if (publishesPerSecond > 0 && publishBurst == 0) {
      publishBurst = publishesPerSecond;
    }
    userPublishesPerSecond = orZero(userPublishesPerSecond, "limits.userPublishesPerSecond");
    userPublishBurst = orZero(userPublishBurst, "limits.userPublishBurst");
    if (userPublishesPerSecond > 0 && userPublishBurst == 0) {
      userPublishBurst = userPublishesPerSecond;
    }
    store = store == null ? MEMORY : store;
    if (!MEMORY.equals(store) && !REDIS.equals(store)) {
      throw new ConfigException("limits.store must be \"memory\" or \"redis\", not \"" + store + "\".");
    }
  }

  private static int orZero(Integer value, String name) {
    int v = value == null ? 0 : value;
    Check.range(name, v, 0, 100_000_000);
    return v;
  }
}
