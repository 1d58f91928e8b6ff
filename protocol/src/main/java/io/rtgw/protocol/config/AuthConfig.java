package io.rtgw.protocol.config;

import java.util.List;

/**
 * Who may connect. {@code jwt}: how tokens are verified; {@code anonymous}: whether a client without
 * credentials may connect at all (it may then subscribe to and read public channels, as the namespaces
 * allow); {@code apiKeys}: keys backends publish over HTTP with ({@code Authorization: apikey <key>});
 * {@code connectTimeoutMs}: how long a WebSocket without credentials on its upgrade has to send its
 * {@code connect} command where anonymous clients are not allowed; {@code refreshAheadMs}: how long
 * before a token's expiry a WebSocket is asked to refresh it.
 */
public record AuthConfig(JwtConfig jwt, Boolean anonymous, List<String> apiKeys, Long connectTimeoutMs,
                         Long refreshAheadMs) {

  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
  public static final long DEFAULT_REFRESH_AHEAD_MS = 30_000;
  public static final int MIN_API_KEY_LENGTH = 24;

  public AuthConfig {
    jwt = jwt == null ? new JwtConfig(null, null, null, null, null, null, null, null, null) : jwt;
    anonymous = anonymous == null || anonymous;
    apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
    connectTimeoutMs = connectTimeoutMs == null ? DEFAULT_CONNECT_TIMEOUT_MS : connectTimeoutMs;
    refreshAheadMs = refreshAheadMs == null ? DEFAULT_REFRESH_AHEAD_MS : refreshAheadMs;
    Check.range("auth.connectTimeoutMs", connectTimeoutMs, 50, 600_000);
    Check.range("auth.refreshAheadMs", refreshAheadMs, 0, 3_600_000);
    for (String key : apiKeys) {
      if (key.length() < MIN_API_KEY_LENGTH) {
        throw new ConfigException("auth.apiKeys: each key must be at least " + MIN_API_KEY_LENGTH
            + " characters (a shorter one can be guessed).");
      }
    }
  }
}
