package io.rtgw.connection.ws;

import io.rtgw.connection.session.Limits;
import io.rtgw.connection.session.TokenBucket;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;

/**
 * One WebSocket's share of the limits: the slot it holds (released once, when it goes), its user's
 * count, and its command and publish rates. A command over its rate is answered {@code rate_limited}
 * and the connection stays; a client that goes on regardless is closed with 1008.
 */
final class WsLimits {

  /**
   * Refusals within {@link #ABUSE_WINDOW_NANOS} past which a client counts as abusive rather than merely
   * fast: one that reads its errors slows down long before.
   */
  static final int MAX_REFUSED = 100;
  static final long ABUSE_WINDOW_NANOS = 5_000_000_000L;

  private final Limits limits;
  private final String ip;
  private final TokenBucket commands;
  private final TokenBucket publishes;
  private String user;
  private int refusedInWindow;
  private long windowStart = System.nanoTime();
  private boolean released;

  /** The client's address (the proxy's forwarded one where the proxy is trusted). */
  String ip() {
    return ip;
  }

  WsLimits(Limits limits, String ip) {
    this.limits = limits;
    this.ip = ip;
    this.commands = limits.commandBucket();
    this.publishes = limits.publishBucket();
  }

  /** Counts the connection against its user's limit; throws {@code unavailable} past it. */
  void admitUser(String user) {
    limits.admitUser(user);
    this.user = user;
  }

  /** Null when the command may go on, else the {@code rate_limited} refusal to answer it with. */
  GatewayException charge(boolean publish) {
    TokenBucket over = null;
    if (commands != null && !commands.take()) {
      over = commands;
    } else if (publish && publishes != null && !publishes.take()) {
      over = publishes;
    }
    if (over == null) {
      return null;
    }
    long now = System.nanoTime();
    if (now - windowStart > ABUSE_WINDOW_NANOS) {
      windowStart = now;
      refusedInWindow = 0;
    }
    refusedInWindow++;
    LimitsSentence s = over == commands
        ? new LimitsSentence("commands", limits.config().commandsPerSecond())
        : new LimitsSentence("publishes", limits.config().publishesPerSecond());
    return new GatewayException(ErrorCode.RATE_LIMITED, "Too many " + s.what() + " (at most " + s.perSecond()
        + " a second); retry in " + over.retryAfterMs() + " ms.");
  }

  boolean abusive() {
    return refusedInWindow > MAX_REFUSED;
  }

  void release() {
    if (!released) {
      released = true;
      limits.release(ip, user);
    }
  }

  private record LimitsSentence(String what, int perSecond) {
  }
}
