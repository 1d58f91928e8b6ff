package io.rtgw.protocol.config;

/**
 * The publish and delivery path. {@code maxMessageBytes} bounds a message's {@code data};
 * {@code positionCheckMs} is how often a connection node compares each channel's last delivered offset
 * with history, to catch deliveries lost at the tail; {@code requestTimeoutMs} bounds every bus request;
 * {@code catchUpPageSize} is the most messages one history read of a resume or of a gap fill asks for (a
 * longer gap is read in several pages), which bounds a bus message at that many times
 * {@code maxMessageBytes}.
 *
 * <p>{@code outageNoticeMs}: a clustered connection node that has had no history or no fanout member
 * within reach for that long (the tiers are down, or this node was cut off from the cluster) tells its
 * clients to reconnect elsewhere, spread over {@code outageReconnectWindowMs}, rather than leave them
 * connected and unserved; 0 never does.
 */
public record DeliveryConfig(Integer maxMessageBytes, Long positionCheckMs, Long requestTimeoutMs,
                             Integer catchUpPageSize, Long outageNoticeMs, Long outageReconnectWindowMs) {

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
  public static final long DEFAULT_POSITION_CHECK_MS = 2_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
  public static final int DEFAULT_CATCH_UP_PAGE_SIZE = 500;
  public static final long DEFAULT_OUTAGE_NOTICE_MS = 3_000;
  public static final long DEFAULT_OUTAGE_RECONNECT_WINDOW_MS = 1_000;

  public DeliveryConfig {
    maxMessageBytes = maxMessageBytes == null ? DEFAULT_MAX_MESSAGE_BYTES : maxMessageBytes;
    positionCheckMs = positionCheckMs == null ? DEFAULT_POSITION_CHECK_MS : positionCheckMs;
    requestTimeoutMs = requestTimeoutMs == null ? DEFAULT_REQUEST_TIMEOUT_MS : requestTimeoutMs;
    catchUpPageSize = catchUpPageSize == null ? DEFAULT_CATCH_UP_PAGE_SIZE : catchUpPageSize;
    outageNoticeMs = outageNoticeMs == null ? DEFAULT_OUTAGE_NOTICE_MS : outageNoticeMs;
    outageReconnectWindowMs = outageReconnectWindowMs == null ? DEFAULT_OUTAGE_RECONNECT_WINDOW_MS : outageReconnectWindowMs;
    Check.range("delivery.outageNoticeMs", outageNoticeMs, 0, 3_600_000);
    Check.range("delivery.outageReconnectWindowMs", outageReconnectWindowMs, 0, 600_000);
    Check.range("delivery.catchUpPageSize", catchUpPageSize, 1, 100_000);
    Check.range("delivery.maxMessageBytes", maxMessageBytes, 16, 16 * 1024 * 1024);
    Check.range("delivery.positionCheckMs", positionCheckMs, 10, 3_600_000);
    Check.range("delivery.requestTimeoutMs", requestTimeoutMs, 10, 600_000);
  }
}
