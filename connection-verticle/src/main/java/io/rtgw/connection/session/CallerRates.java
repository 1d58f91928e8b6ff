package io.rtgw.connection.session;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.LimitsConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The command and publish rates of the HTTP API ({@code limits.commandsPerSecond}/{@code commandBurst},
 * {@code publishesPerSecond}/{@code publishBurst}, the numbers a WebSocket gets), charged to the caller:
 * a user across all its requests, an anonymous caller by its IP. HTTP requests may each come on a new
 * connection, so a bucket per connection would limit nothing. Backends with an API key are not charged:
 * they are the operator's own. One connection verticle, one event loop: no locking.
 */
public final class CallerRates {

  /** Past this many callers with buckets, the ones that are full again are forgotten. */
  static final int MAX_CALLERS = 100_000;

  private final LimitsConfig config;
  private final Map<String, Buckets> callers = new HashMap<>();

  public CallerRates(LimitsConfig config) {
    this.config = config;
  }

  /** Throws {@code rate_limited} when {@code who} (or, anonymous, {@code ip}) is over a rate. */
  public void charge(Identity who, String ip, boolean publish) {
    if (who.service() || (config.commandsPerSecond() == 0 && config.publishesPerSecond() == 0)) {
      return;
    }
    if (callers.size() >= MAX_CALLERS) {
      callers.values().removeIf(Buckets::full);
    }
    String caller = who.user() != null ? "user " + who.user() : "ip " + ip;
    Buckets b = callers.computeIfAbsent(caller, c -> new Buckets(
        config.commandsPerSecond() > 0 ? new TokenBucket(config.commandsPerSecond(), config.commandBurst()) : null,
        config.publishesPerSecond() > 0 ? new TokenBucket(config.publishesPerSecond(), config.publishBurst()) : null));
    if (b.commands() != null && !b.commands().take()) {
      throw refuse("requests", config.commandsPerSecond(), b.commands(), "commands");
    }
    if (publish && b.publishes() != null && !b.publishes().take()) {
      throw refuse("publishes", config.publishesPerSecond(), b.publishes(), "publishes");
    }
  }

  private static GatewayException refuse(String what, int perSecond, TokenBucket bucket, String limit) {
    io.rtgw.connection.metrics.GatewayMetrics.current().refused(limit);
    return new GatewayException(ErrorCode.RATE_LIMITED, "Too many " + what + " (at most " + perSecond
        + " a second); retry in " + bucket.retryAfterMs() + " ms.");
  }

  private record Buckets(TokenBucket commands, TokenBucket publishes) {
    boolean full() {
      return (commands == null || commands.full()) && (publishes == null || publishes.full());
    }
  }
}
