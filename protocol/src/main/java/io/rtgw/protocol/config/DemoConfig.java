package io.rtgw.protocol.config;

/**
 * The demo's server-side publisher: an example internal service that publishes prices to
 * {@code tickerChannel} on {@code rt.publish} every {@code tickerIntervalMs}. Off unless configured
 * (the standalone development configuration turns it on).
 *
 * <p>{@code tokenTtlSeconds}: how long a token of the development token endpoint ({@code GET /demo/token},
 * served only where {@code auth.jwt.hmacSecrets} holds the public development secret) stays valid. Short,
 * so that the demo's pages exercise refresh; the endpoint does not exist anywhere else.
 */
public record DemoConfig(Boolean ticker, String tickerChannel, Long tickerIntervalMs, Long tokenTtlSeconds) {

  public static final String DEFAULT_TICKER_CHANNEL = "feed:ticker";
  public static final long DEFAULT_TICKER_INTERVAL_MS = 1000;
  public static final long DEFAULT_TOKEN_TTL_SECONDS = 600;

  public DemoConfig {
    ticker = ticker != null && ticker;
    tickerChannel = tickerChannel == null ? DEFAULT_TICKER_CHANNEL : tickerChannel;
    tickerIntervalMs = tickerIntervalMs == null ? DEFAULT_TICKER_INTERVAL_MS : tickerIntervalMs;
    Check.range("demo.tickerIntervalMs", tickerIntervalMs, 10, 3_600_000);
    tokenTtlSeconds = tokenTtlSeconds == null ? DEFAULT_TOKEN_TTL_SECONDS : tokenTtlSeconds;
    Check.range("demo.tokenTtlSeconds", tokenTtlSeconds, 5, 86_400);
  }
}
