package io.rtgw.connection.session;

/**
 * A rate: {@code perSecond} tokens refilled continuously, at most {@code burst} saved up. One owner, one
 * event loop: no locking.
 */
public final class TokenBucket {

  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  public TokenBucket(double perSecond, double burst) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.last = System.nanoTime();
  }

  /** Takes one token if there is one. */
  public boolean take() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** True when it is full again, so nothing is lost by forgetting it. */
  public boolean full() {
    refill();
    return tokens >= burst;
  }

  /** Milliseconds until the next token (at least 1). */
  public long retryAfterMs() {
    refill();
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano / 1e6));
  }

  private void refill() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
  }
}
