package io.rtgw.connection.session;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.LimitsConfig;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The command and publish rates of the HTTP API ({@code limits.commandsPerSecond}/{@code commandBurst},
 * {@code publishesPerSecond}/{@code publishBurst}, the numbers a WebSocket gets), charged to the caller:
 * a user across all its requests, an anonymous caller by its IP. HTTP requests may each come on a new
 * connection, so a bucket per connection would limit nothing; and each connection lands on any of the
 * node's connection instances, so the buckets are the node's (one object in {@link NodeLimits}), not
 * one set per instance, which let a caller have N times its rate. Backends with an API key are not
 * charged: they are the operator's own.
 *
 * <p>A caller's buckets are taken from under that one key's update ({@link ConcurrentHashMap#compute}):
 * buckets are not thread-safe, and nothing else waits.
 */
public final class CallerRates {

  /** Past this many callers with buckets, the ones that are full again are forgotten. */
  static final int MAX_CALLERS = 100_000;

  private final LimitsConfig config;
  private final ConcurrentHashMap<String, Buckets> callers = new ConcurrentHashMap<>();

  CallerRates(LimitsConfig config) {
    this.config = config;
  }

  /** Throws {@code rate_limited} when {@code who} (or, anonymous, {@code ip}) is over a rate. */
  public void charge(Identity who, String ip, boolean publish) {
    if (who.service() || (config.commandsPerSecond() == 0 && config.publishesPerSecond() == 0)) {
      return;
    }
    if (callers.size() >= MAX_CALLERS) {
      callers.keySet().forEach(k -> callers.computeIfPresent(k, (key, b) -> b.full() ? null : b));
    }
    String caller = who.user() != null ? "user " + who.user() : "ip " + ip;
    // the metric's name and the refusal, found under the key's update and thrown after it
    String[] limit = new String[1];
    GatewayException[] refused = new GatewayException[1];
    callers.compute(caller, (c, existing) -> {
      Buckets b = existing != null ? existing : new Buckets(
          config.commandsPerSecond() > 0 ? new TokenBucket(config.commandsPerSecond(), config.commandBurst()) : null,
          config.publishesPerSecond() > 0 ? new TokenBucket(config.publishesPerSecond(), config.publishBurst()) : null);
      if (b.commands() != null && !b.commands().take()) {
        limit[0] = "commands";
        refused[0] = refuse("requests", config.commandsPerSecond(), b.commands());
      } else if (publish && b.publishes() != null && !b.publishes().take()) {
        limit[0] = "publishes";
        refused[0] = refuse("publishes", config.publishesPerSecond(), b.publishes());
      }
      return b;
    });
    if (refused[0] != null) {
      io.rtgw.connection.metrics.GatewayMetrics.current().refused(limit[0]);
      throw refused[0];
    }
  }

  /** Callers with buckets on this node. */
  int callers() {
    return callers.size();
  }

  private static GatewayException refuse(String what, int perSecond, TokenBucket bucket) {
    return new GatewayException(ErrorCode.RATE_LIMITED, "Too many " + what + " (at most " + perSecond
        + " a second); retry in " + bucket.retryAfterMs() + " ms.");
  }

  private record Buckets(TokenBucket commands, TokenBucket publishes) {
    boolean full() {
      return (commands == null || commands.full()) && (publishes == null || publishes.full());
    }
  }
}
