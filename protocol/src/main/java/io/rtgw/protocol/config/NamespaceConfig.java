package io.rtgw.protocol.config;

/** Per-namespace policy: presence on/off, whether clients may publish, history size and age. */
public record NamespaceConfig(Boolean presence, Boolean clientPublish, Integer historySize, Long historyAgeSeconds) {

  public static final int DEFAULT_HISTORY_SIZE = 100;
  public static final long DEFAULT_HISTORY_AGE_SECONDS = 600;

  public NamespaceConfig {
    presence = presence != null && presence;
    clientPublish = clientPublish == null || clientPublish;
    historySize = historySize == null ? DEFAULT_HISTORY_SIZE : historySize;
    historyAgeSeconds = historyAgeSeconds == null ? DEFAULT_HISTORY_AGE_SECONDS : historyAgeSeconds;
    Check.range("namespaces.*.historySize", historySize, 0, 1_000_000);
    Check.range("namespaces.*.historyAgeSeconds", historyAgeSeconds, 1, 365L * 86_400);
  }

  public long historyAgeMs() {
    return historyAgeSeconds * 1000;
  }
}
