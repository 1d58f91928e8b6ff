package io.rtgw.protocol.config;

/**
 * The client-facing HTTP server. {@code maxBodyBytes} bounds any HTTP request body; {@code allowedOrigins}
 * lists the origins browsers may call from ("*" only in development); {@code drainMs} is how long a
 * stopping node spends telling its clients to reconnect elsewhere before it closes what is left;
 * {@code vertxInternals} lets the connection tier reach into Vert.x and Netty implementation classes for
 * cheaper writes and smaller idle connections (used only where a startup self-check passes; off, only
 * public APIs are used and everything works the same, at a higher cost per connection and write);
 * {@code trustedProxies}: the addresses of proxies whose {@code X-Forwarded-For} names the client's IP
 * (for the per-IP limits); from anyone else the header is ignored, since a client could forge it;
 * {@code idleTimeoutMs}: a connection with no traffic either way for that long is closed (it must be
 * longer than a held poll and the keep-alives); {@code bodyTimeoutMs}: a request body (POST /publish)
 * not fully arrived by then is refused and its connection closed; {@code headerTimeoutMs}: a request's
 * headers not complete that long after the connection opened (or the previous response ended, on a
 * kept-alive HTTP/1.1 connection) close the connection, so a client sending them a byte at a time holds
 * a socket for a bounded time.
 * {@code tls} ({@link TlsConfig}) turns on TLS with HTTP/2 offered by ALPN; {@code h2c} accepts HTTP/2 over
 * cleartext (prior knowledge or {@code Upgrade: h2c}) for a proxy in front that speaks it, off by default.
 * {@code accessLog}: one line per request and upgrade on the logger {@code rtgw.access}, credentials
 * redacted; off by default.
 */
public record HttpConfig(String host, Integer port, Integer maxBodyBytes, java.util.List<String> allowedOrigins,
                         Long drainMs, Boolean vertxInternals, java.util.List<String> trustedProxies,
                         Long idleTimeoutMs, Long bodyTimeoutMs, TlsConfig tls, Boolean h2c, Long headerTimeoutMs,
                         Boolean accessLog) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final long DEFAULT_DRAIN_MS = 10_000;
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 120_000;
  public static final long DEFAULT_BODY_TIMEOUT_MS = 30_000;
  public static final long DEFAULT_HEADER_TIMEOUT_MS = 30_000;

  public HttpConfig {
    host = host == null ? DEFAULT_HOST : host;
    port = port == null ? DEFAULT_PORT : port;
    maxBodyBytes = maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
    allowedOrigins = allowedOrigins == null ? java.util.List.of() : java.util.List.copyOf(allowedOrigins);
    drainMs = drainMs == null ? DEFAULT_DRAIN_MS : drainMs;
    vertxInternals = vertxInternals == null ? Boolean.TRUE : vertxInternals;
    trustedProxies = trustedProxies == null ? java.util.List.of() : java.util.List.copyOf(trustedProxies);
    idleTimeoutMs = idleTimeoutMs == null ? DEFAULT_IDLE_TIMEOUT_MS : idleTimeoutMs;
    bodyTimeoutMs = bodyTimeoutMs == null ? DEFAULT_BODY_TIMEOUT_MS : bodyTimeoutMs;
    Check.range("http.idleTimeoutMs", idleTimeoutMs, 1_000, 3_600_000);
    Check.range("http.bodyTimeoutMs", bodyTimeoutMs, 100, 600_000);
    headerTimeoutMs = headerTimeoutMs == null ? DEFAULT_HEADER_TIMEOUT_MS : headerTimeoutMs;
    Check.range("http.headerTimeoutMs", headerTimeoutMs, 100, 600_000);
    tls = tls == null ? TlsConfig.none() : tls;
    h2c = h2c == null ? Boolean.FALSE : h2c;
    accessLog = accessLog == null ? Boolean.FALSE : accessLog;
    Check.range("http.drainMs", drainMs, 0, 600_000);
    Check.range("http.port", port, 0, 65535);
    Check.range("http.maxBodyBytes", maxBodyBytes, 1024, 64 * 1024 * 1024);
  }
}
