package io.rtgw.protocol.config;

/**
 * Long and short polling at {@code /poll} and {@code /messages}. {@code timeoutMs} is how long a long poll
 * is held when the client names no timeout, {@code maxTimeoutMs} the most it may ask for (the protocol
 * allows at most 60 s; the server adds up to 10% jitter on top); {@code maxMessages} bounds the messages
 * of one channel in one reply (the rest come with the next poll); {@code maxChannels} bounds the channels
 * of one poll, and so the size of its cursor.
 */
public record PollConfig(Long timeoutMs, Long maxTimeoutMs, Integer maxMessages, Integer maxChannels) {

  public static final long DEFAULT_TIMEOUT_MS = 25_000;
  public static final long DEFAULT_MAX_TIMEOUT_MS = 60_000;
  public static final int DEFAULT_MAX_MESSAGES = 1000;
  public static final int DEFAULT_MAX_CHANNELS = 32;

  public PollConfig {
    timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
    maxTimeoutMs = maxTimeoutMs == null ? DEFAULT_MAX_TIMEOUT_MS : maxTimeoutMs;
    maxMessages = maxMessages == null ? DEFAULT_MAX_MESSAGES : maxMessages;
    maxChannels = maxChannels == null ? DEFAULT_MAX_CHANNELS : maxChannels;
    Check.range("poll.maxTimeoutMs", maxTimeoutMs, 0, 60_000);
    Check.range("poll.timeoutMs", timeoutMs, 0, maxTimeoutMs);
    Check.range("poll.maxMessages", maxMessages, 1, 10_000);
    Check.range("poll.maxChannels", maxChannels, 1, 256);
  }
}
