package io.rtgw.connection.session;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.LimitsConfig;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The connection limits as one connection verticle applies them: how many connections in all, per user
 * and per client IP, and how fast one IP may open them, counted node-wide in {@link NodeLimits} (every
 * instance of the tier together). Every transport counts (a WebSocket, an SSE stream, a held poll); a
 * refusal is {@code unavailable} with a sentence, which HTTP answers 503 with {@code Retry-After} and a
 * WebSocket closes with 4001.
 */
public final class Limits {

  private final LimitsConfig config;
  private final Set<String> trustedProxies;
  private final NodeLimits node;

  public Limits(LimitsConfig config, List<String> trustedProxies, NodeLimits node) {
    this.config = config;
    this.trustedProxies = new HashSet<>(trustedProxies);
    this.node = node;
  }

  public LimitsConfig config() {
    return config;
  }

  /** The HTTP API's per-caller rates, the node's (every instance draws from the same buckets). */
  public CallerRates callerRates() {
    return node.callerRates();
  }

  /**
   * The client's IP: the peer's, or where the peer is a trusted proxy, the last address its
   * {@code X-Forwarded-For} names (the one the proxy itself saw; the ones before it the client could forge).
   */
  public String clientIp(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    String forwarded = request.getHeader("X-Forwarded-For");
    if (forwarded == null || !trustedProxies.contains(peer)) {
      return peer;
    }
    String[] hops = forwarded.split(",");
    String last = hops[hops.length - 1].trim();
    return last.isEmpty() ? peer : last;
  }

  /** Admits a new connection from {@code ip}, or says why not; an admitted one is {@link #release}d. */
  public void admit(String ip) {
    if (!node.takeNodeSlot()) {
      throw refuse("This node holds as many connections as it may (" + config.connectionsPerNode()
          + "); connect to another node or retry shortly.");
    }
    if (!node.takeIpSlot(ip)) {
      node.releaseNodeSlot();
      throw refuse("Too many connections from one address (at most " + config.connectionsPerIp() + ").");
    }
    if (config.connectionRatePerIp() > 0 && !node.takeRate(ip)) {
      node.releaseIpSlot(ip);
      node.releaseNodeSlot();
      throw refuse("Connections are opened too fast from one address (at most " + config.connectionRatePerIp()
          + " a second); retry shortly.");
    }
  }

  /**
   * Admits a connection whose user is known at once (an SSE stream, a held poll): both counts, or
   * neither; an admitted one is {@link #release}d with its user.
   */
  public void admit(String ip, String user) {
    admit(ip);
    try {
      admitUser(user);
    } catch (GatewayException e) {
      release(ip, null);
      throw e;
    }
  }

  /** Counts an identified connection against its user's limit; an admitted one is released with its user. */
  public void admitUser(String user) {
    if (user != null && !node.takeUserSlot(user)) {
      throw refuse("Too many connections for user '" + user + "' (at most " + config.connectionsPerUser() + ").");
    }
  }

  public void release(String ip, String user) {
    node.releaseNodeSlot();
    node.releaseIpSlot(ip);
    releaseUser(user);
  }

  public void releaseUser(String user) {
    if (user != null) {
      node.releaseUserSlot(user);
    }
  }

  /** Connections the node holds, every instance together. */
  public int connections() {
    return node.connections();
  }

  /** Connections the node refused so far (any limit). */
  public long refused() {
    return node.refused();
  }

  /** The per-WebSocket command rate, or null without a limit. */
  public TokenBucket commandBucket() {
    return config.commandsPerSecond() > 0 ? new TokenBucket(config.commandsPerSecond(), config.commandBurst()) : null;
  }

  /** The per-WebSocket publish rate, or null without a limit. */
  public TokenBucket publishBucket() {
    return config.publishesPerSecond() > 0 ? new TokenBucket(config.publishesPerSecond(), config.publishBurst())
        : null;
  }

  private GatewayException refuse(String sentence) {
    node.countRefusal();
    io.rtgw.connection.metrics.GatewayMetrics.current().refused("connections");
    return new GatewayException(ErrorCode.UNAVAILABLE, sentence);
  }
}
