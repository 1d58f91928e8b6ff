package io.rtgw.protocol.config;

/**
 * Per-namespace policy: presence on/off, whether clients may publish, history size and age, and who may
 * subscribe, publish, read history and see presence ({@link NamespaceAccess}), and the application's
 * hooks on its channels ({@link NamespaceHooksConfig}).
 */
public record NamespaceConfig(Boolean presence, Boolean clientPublish, Integer historySize, Long historyAgeSeconds,
                              NamespaceAccess access, NamespaceHooksConfig hooks) {

  public static final int DEFAULT_HISTORY_SIZE = 100;
  public static final long DEFAULT_HISTORY_AGE_SECONDS = 600;

  public NamespaceConfig {
    presence = presence != null && presence;
    clientPublish = clientPublish == null || clientPublish;
    historySize = historySize == null ? DEFAULT_HISTORY_SIZE : historySize;
    historyAgeSeconds = historyAgeSeconds == null ? DEFAULT_HISTORY_AGE_SECONDS : historyAgeSeconds;
    access = access == null ? NamespaceAccess.OPEN : access;
    hooks = hooks == null ? NamespaceHooksConfig.OFF : hooks;
    Check.range("namespaces.*.historySize", historySize, 0, 1_000_000);
    Check.range("namespaces.*.historyAgeSeconds", historyAgeSeconds, 1, 365L * 86_400);
  }

  /** A namespace open to anyone: the policy before access rules existed. */
  public NamespaceConfig(Boolean presence, Boolean clientPublish, Integer historySize, Long historyAgeSeconds) {
    this(presence, clientPublish, historySize, historyAgeSeconds, null, null);
  }

  public long historyAgeMs() {
    return historyAgeSeconds * 1000;
  }
}
