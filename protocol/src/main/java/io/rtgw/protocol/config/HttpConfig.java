package io.rtgw.protocol.config;

/**
 * The client-facing HTTP server. {@code maxBodyBytes} bounds any HTTP request body; {@code corsOrigins}
 * lists the origins browsers may call from ("*" only in development); {@code drainMs} is how long a
 * stopping node spends telling its clients to reconnect elsewhere before it closes what is left;
 * {@code vertxInternals} lets the connection tier reach into Vert.x and Netty implementation classes for
 * cheaper writes and smaller idle connections (used only where a startup self-check passes; off, only
 * public APIs are used and everything works the same, at a higher cost per connection and write).
 * {@code tls} ({@link TlsConfig}) turns on TLS with HTTP/2 offered by ALPN; {@code h2c} accepts HTTP/2 over
 * cleartext (prior knowledge or {@code Upgrade: h2c}) for a proxy in front that speaks it, off by default.
 */
public record HttpConfig(String host, Integer port, Integer maxBodyBytes, java.util.List<String> corsOrigins,
                         Long drainMs, Boolean vertxInternals, TlsConfig tls, Boolean h2c) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  public static final long DEFAULT_DRAIN_MS = 10_000;

  public HttpConfig {
    host = host == null ? DEFAULT_HOST : host;
    port = port == null ? DEFAULT_PORT : port;
    maxBodyBytes = maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
    corsOrigins = corsOrigins == null ? java.util.List.of() : java.util.List.copyOf(corsOrigins);
    drainMs = drainMs == null ? DEFAULT_DRAIN_MS : drainMs;
    vertxInternals = vertxInternals == null ? Boolean.TRUE : vertxInternals;
    tls = tls == null ? TlsConfig.none() : tls;
    h2c = h2c == null ? Boolean.FALSE : h2c;
    Check.range("http.drainMs", drainMs, 0, 600_000);
    Check.range("http.port", port, 0, 65535);
    Check.range("http.maxBodyBytes", maxBodyBytes, 1024, 64 * 1024 * 1024);
  }
}
