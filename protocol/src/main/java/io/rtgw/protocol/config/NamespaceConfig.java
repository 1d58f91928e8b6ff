package io.rtgw.protocol.config;

/**
/**
 * Per-namespace policy: presence on/off, whether clients may publish, history size and age, who may
 * subscribe, publish, read history and see presence ({@link NamespaceAccess}), how deliveries reach
 * the connection instances with subscribers ({@code routing}): {@value #CHANNEL_ROUTING}, one clustered
 * bus consumer per channel and node, right for broadcast channels with subscribers on many nodes; or
 * {@value #NODE_ROUTING}, the channel's routes (the instances with subscribers) kept in history beside its
 * log and each delivery sent to those instances' own addresses, right for personal channels, whose
 * subscribe then costs no cluster-wide registration; and the application's hooks on its channels
 * ({@link NamespaceHooksConfig}).
 */
public record NamespaceConfig(Boolean presence, Boolean clientPublish, Integer historySize, Long historyAgeSeconds,
                              NamespaceAccess access, String routing, NamespaceHooksConfig hooks) {

  public static final int DEFAULT_HISTORY_SIZE = 100;
  public static final long DEFAULT_HISTORY_AGE_SECONDS = 600;
  public static final String CHANNEL_ROUTING = "channel";
  public static final String NODE_ROUTING = "node";

  public NamespaceConfig {
    presence = presence != null && presence;
    clientPublish = clientPublish == null || clientPublish;
    historySize = historySize == null ? DEFAULT_HISTORY_SIZE : historySize;
    historyAgeSeconds = historyAgeSeconds == null ? DEFAULT_HISTORY_AGE_SECONDS : historyAgeSeconds;
    access = access == null ? NamespaceAccess.OPEN : access;
    routing = routing == null ? CHANNEL_ROUTING : routing;
    if (!routing.equals(CHANNEL_ROUTING) && !routing.equals(NODE_ROUTING)) {
      throw new ConfigException("namespaces.*.routing must be \"" + CHANNEL_ROUTING + "\" or \"" + NODE_ROUTING
          + "\", not \"" + routing + "\".");
    }
    hooks = hooks == null ? NamespaceHooksConfig.OFF : hooks;
    Check.range("namespaces.*.historySize", historySize, 0, 1_000_000);
    Check.range("namespaces.*.historyAgeSeconds", historyAgeSeconds, 1, 365L * 86_400);
  }

  /** A namespace open to anyone: the policy before access rules existed. */
  public NamespaceConfig(Boolean presence, Boolean clientPublish, Integer historySize, Long historyAgeSeconds) {
    this(presence, clientPublish, historySize, historyAgeSeconds, null, null, null);
  }

  /** With per-channel routing. */
  public NamespaceConfig(Boolean presence, Boolean clientPublish, Integer historySize, Long historyAgeSeconds,
                         NamespaceAccess access) {
    this(presence, clientPublish, historySize, historyAgeSeconds, access, null, null);
  }

  /** With hooks off. */
  public NamespaceConfig(Boolean presence, Boolean clientPublish, Integer historySize, Long historyAgeSeconds,
                         NamespaceAccess access, String routing) {
    this(presence, clientPublish, historySize, historyAgeSeconds, access, routing, null);
  }

  /** Whether deliveries go to the instances the channel's routes name rather than to a per-channel address. */
  public boolean nodeRouted() {
    return NODE_ROUTING.equals(routing);
  }

  public long historyAgeMs() {
    return historyAgeSeconds * 1000;
  }
}
