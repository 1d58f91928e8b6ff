package io.rtgw.service;

/**
 * How a service talks to the gateway. {@code name} goes into every publish as {@code from} (subscribers
 * see it, and idempotency keys count per publisher); {@code requestTimeoutMs} bounds each request to
 * the gateway (Vert.x's own default is 30 s).
 */
public record ServiceOptions(String name, long requestTimeoutMs) {

  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

  public ServiceOptions {
    if (name != null && name.isBlank()) {
      throw new IllegalArgumentException("A service name must not be blank (null publishes without 'from').");
    }
    if (requestTimeoutMs < 1 || requestTimeoutMs > 300_000) {
      throw new IllegalArgumentException("requestTimeoutMs must be 1 to 300000, not " + requestTimeoutMs + ".");
    }
  }

  public static ServiceOptions named(String name) {
    return new ServiceOptions(name, DEFAULT_REQUEST_TIMEOUT_MS);
  }

  public ServiceOptions withRequestTimeoutMs(long requestTimeoutMs) {
    return new ServiceOptions(name, requestTimeoutMs);
  }
}
