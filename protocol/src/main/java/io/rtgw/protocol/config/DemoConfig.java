package io.rtgw.protocol.config;

/**
 * The demo's server-side publisher: an example internal service that publishes prices to
 * {@code tickerChannel} on {@code rt.publish} every {@code tickerIntervalMs}. Off unless configured
 * (the standalone development configuration turns it on).
 */
public record DemoConfig(Boolean ticker, String tickerChannel, Long tickerIntervalMs) {

  public static final String DEFAULT_TICKER_CHANNEL = "feed:ticker";
  public static final long DEFAULT_TICKER_INTERVAL_MS = 1000;

  public DemoConfig {
    ticker = ticker != null && ticker;
    tickerChannel = tickerChannel == null ? DEFAULT_TICKER_CHANNEL : tickerChannel;
    tickerIntervalMs = tickerIntervalMs == null ? DEFAULT_TICKER_INTERVAL_MS : tickerIntervalMs;
    Check.range("demo.tickerIntervalMs", tickerIntervalMs, 10, 3_600_000);
  }
}
