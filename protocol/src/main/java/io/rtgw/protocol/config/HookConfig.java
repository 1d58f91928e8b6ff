package io.rtgw.protocol.config;

import java.util.List;
import java.util.Locale;

/**
 * One backend hook: the gateway asks the application, over the event bus ({@code address}) or with an
 * HTTP POST ({@code url}), and waits at most {@code timeoutMs}. {@code onFailure} says what a timeout, an
 * unreachable hook or an unreadable answer means: {@code refuse} (the safe default) or {@code allow}.
 * {@code headers}: the request headers passed on (connect only); {@code beforeExpiryMs}: how long before
 * a hook-given expiry the refresh hook is asked (refresh only). Neither address nor url: the hook is off.
 */
public record HookConfig(String address, String url, Long timeoutMs, String onFailure, List<String> headers,
                         Long beforeExpiryMs) {

  public static final long DEFAULT_TIMEOUT_MS = 1_000;
  public static final long DEFAULT_BEFORE_EXPIRY_MS = 30_000;
  public static final String REFUSE = "refuse";
  public static final String ALLOW = "allow";

  /** A hook that is not configured. */
  public static final HookConfig OFF = new HookConfig(null, null, null, null, null, null);

  public HookConfig {
    address = blankToNull(address);
    url = blankToNull(url);
    timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
    onFailure = onFailure == null ? REFUSE : onFailure.trim().toLowerCase(Locale.ROOT);
    headers = headers == null ? List.of()
        : headers.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
    beforeExpiryMs = beforeExpiryMs == null ? DEFAULT_BEFORE_EXPIRY_MS : beforeExpiryMs;
    if (address != null && url != null) {
      throw new ConfigException("A hook has either an address (event bus) or a url (HTTP), not both: '" + address
          + "' and '" + url + "'.");
    }
    if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
      throw new ConfigException("A hook's url must start with http:// or https://, not '" + url + "'.");
    }
    if (!onFailure.equals(REFUSE) && !onFailure.equals(ALLOW)) {
      throw new ConfigException("A hook's onFailure must be refuse or allow, not '" + onFailure + "'.");
    }
    Check.range("hooks.*.timeoutMs", timeoutMs, 1, 60_000);
    Check.range("hooks.refresh.beforeExpiryMs", beforeExpiryMs, 0, 3_600_000);
  }

  /** Whether the hook is configured (an address or a url). */
  public boolean on() {
    return address != null || url != null;
  }

  public boolean allowsOnFailure() {
    return ALLOW.equals(onFailure);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
