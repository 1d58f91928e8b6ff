package io.rtgw.protocol.config;

/**
 * The publish and delivery path. {@code maxMessageBytes} bounds a message's {@code data};
 * {@code positionCheckMs} is how often a connection node compares each channel's last delivered offset
 * with history, to catch deliveries lost at the tail; {@code requestTimeoutMs} bounds every bus request.
 */
public record DeliveryConfig(Integer maxMessageBytes, Long positionCheckMs, Long requestTimeoutMs) {

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
  public static final long DEFAULT_POSITION_CHECK_MS = 2_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

  public DeliveryConfig {
    maxMessageBytes = maxMessageBytes == null ? DEFAULT_MAX_MESSAGE_BYTES : maxMessageBytes;
    positionCheckMs = positionCheckMs == null ? DEFAULT_POSITION_CHECK_MS : positionCheckMs;
    requestTimeoutMs = requestTimeoutMs == null ? DEFAULT_REQUEST_TIMEOUT_MS : requestTimeoutMs;
    Check.range("delivery.maxMessageBytes", maxMessageBytes, 16, 16 * 1024 * 1024);
    Check.range("delivery.positionCheckMs", positionCheckMs, 10, 3_600_000);
    Check.range("delivery.requestTimeoutMs", requestTimeoutMs, 10, 600_000);
  }
}
