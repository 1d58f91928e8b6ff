package io.rtgw.protocol.config;

/**
 * WebSocket transport settings. {@code outboundQueueBytes} is how much a connection may have waiting to
 * be written before it counts as a slow consumer and is closed with 4000; {@code maxFrameBytes} is the
 * largest frame accepted (past it the connection is closed with 1009); {@code compression} offers
 * permessage-deflate, off by default: every browser accepts it, it costs about ten times the memory per
 * connection and the CPU per delivery, and Vert.x checks the frame limit only after inflating, so one
 * small compressed frame could make the node inflate megabytes. {@code closeTimeoutMs}: how long a client
 * closed as a slow consumer (a WebSocket closed with 4000, an SSE stream ended) keeps its socket before it
 * is dropped with whatever it still holds unsent: its close frame waits behind the bytes it does not read,
 * so without this bound a peer that never reads would hold them, and the socket, for as long as TCP lets it.
 */
public record WebSocketConfig(Long pingIntervalMs, Long pongTimeoutMs, Integer maxFrameBytes, Integer outboundQueueBytes,
                              Integer maxSubscriptions, Boolean compression, Long closeTimeoutMs) {

  public static final long DEFAULT_PING_INTERVAL_MS = 25_000;
  public static final long DEFAULT_PONG_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
  public static final int DEFAULT_OUTBOUND_QUEUE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 256;
  public static final long DEFAULT_CLOSE_TIMEOUT_MS = 2_000;

  public WebSocketConfig {
    pingIntervalMs = pingIntervalMs == null ? DEFAULT_PING_INTERVAL_MS : pingIntervalMs;
    pongTimeoutMs = pongTimeoutMs == null ? DEFAULT_PONG_TIMEOUT_MS : pongTimeoutMs;
    maxFrameBytes = maxFrameBytes == null ? DEFAULT_MAX_FRAME_BYTES : maxFrameBytes;
    outboundQueueBytes = outboundQueueBytes == null ? DEFAULT_OUTBOUND_QUEUE_BYTES : outboundQueueBytes;
    maxSubscriptions = maxSubscriptions == null ? DEFAULT_MAX_SUBSCRIPTIONS : maxSubscriptions;
    compression = compression != null && compression;
    Check.range("websocket.pingIntervalMs", pingIntervalMs, 50, 3_600_000);
    Check.range("websocket.pongTimeoutMs", pongTimeoutMs, 50, 3_600_000);
    Check.range("websocket.maxFrameBytes", maxFrameBytes, 1024, 64 * 1024 * 1024);
    Check.range("websocket.outboundQueueBytes", outboundQueueBytes, 1024, 1024 * 1024 * 1024);
    Check.range("websocket.maxSubscriptions", maxSubscriptions, 1, 100_000);
    closeTimeoutMs = closeTimeoutMs == null ? DEFAULT_CLOSE_TIMEOUT_MS : closeTimeoutMs;
    Check.range("websocket.closeTimeoutMs", closeTimeoutMs, 10, 600_000);
  }
}
