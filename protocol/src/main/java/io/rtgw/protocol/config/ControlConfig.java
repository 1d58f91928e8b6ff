package io.rtgw.protocol.config;

/**
 * The control API ({@code rt.control} on the bus, {@code POST /control} with an API key). Off by default.
 * It finds connections through the connection registry, so it needs {@code events.enabled}.
 * {@code timeoutMs}: how long one request waits for the connection instances it asked (the gather's
 * bound); an instance that has not answered by then is left out of the count.
 */
public record ControlConfig(Boolean enabled, Long timeoutMs) {

  public static final long DEFAULT_TIMEOUT_MS = 2_000;

  public ControlConfig {
    enabled = enabled != null && enabled;
    timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
    Check.range("control.timeoutMs", timeoutMs, 50, 60_000);
  }
}
