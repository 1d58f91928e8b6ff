package io.rtgw.protocol.config;

/**
 * Server-Sent Events at {@code /sse}. {@code keepAliveMs} is how often every stream gets a {@code : ping}
 * comment, so proxies don't time an idle stream out; {@code retryMs} is the {@code retry:} a browser waits
 * before reconnecting; {@code queueBytes} is how much a stream may have waiting to be written before it
 * counts as a slow consumer and is ended (the client resumes from its last id); {@code maxChannels} bounds
 * the channels of one stream, and so the size of its cursor.
 */
public record SseConfig(Long keepAliveMs, Long retryMs, Integer queueBytes, Integer maxChannels) {

  public static final long DEFAULT_KEEP_ALIVE_MS = 15_000;
  public static final long DEFAULT_RETRY_MS = 2_000;
  public static final int DEFAULT_QUEUE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_CHANNELS = 32;

  public SseConfig {
    keepAliveMs = keepAliveMs == null ? DEFAULT_KEEP_ALIVE_MS : keepAliveMs;
    retryMs = retryMs == null ? DEFAULT_RETRY_MS : retryMs;
    queueBytes = queueBytes == null ? DEFAULT_QUEUE_BYTES : queueBytes;
    maxChannels = maxChannels == null ? DEFAULT_MAX_CHANNELS : maxChannels;
    Check.range("sse.keepAliveMs", keepAliveMs, 10, 3_600_000);
    Check.range("sse.retryMs", retryMs, 0, 600_000);
    Check.range("sse.queueBytes", queueBytes, 1024, 1024 * 1024 * 1024);
    Check.range("sse.maxChannels", maxChannels, 1, 256);
  }
}
