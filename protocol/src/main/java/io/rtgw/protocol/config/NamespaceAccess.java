package io.rtgw.protocol.config;

import java.util.List;
import java.util.Locale;

/**
 * Who may do what in a namespace's channels, each one of {@code anyone} (the default),
 * {@code authenticated} (a verified user or a backend) or {@code grant} (a token that names the
 * channel: the connection token's {@code channels} claim, or a subscription token). {@code subscribe}
 * covers reading live (WebSocket subscribe, SSE, polls); {@code publish} a client's publish, where the
 * namespace allows client publishes at all; {@code history} reading history; {@code presenceView}
 * asking who is present.
 */
public record NamespaceAccess(String subscribe, String publish, String history, String presenceView) {

  public static final String ANYONE = "anyone";
  public static final String AUTHENTICATED = "authenticated";
  public static final String GRANT = "grant";
  private static final List<String> LEVELS = List.of(ANYONE, AUTHENTICATED, GRANT);

  public static final NamespaceAccess OPEN = new NamespaceAccess(null, null, null, null);

  public NamespaceAccess {
    subscribe = level(subscribe, "subscribe");
    publish = level(publish, "publish");
    history = level(history, "history");
    presenceView = level(presenceView, "presenceView");
  }

  private static String level(String value, String name) {
    if (value == null) {
      return ANYONE;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!LEVELS.contains(v)) {
      throw new ConfigException("namespaces.*.access." + name + " must be one of " + LEVELS + ", not '" + value + "'.");
    }
    return v;
  }
}
