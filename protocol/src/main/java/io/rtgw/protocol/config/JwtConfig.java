package io.rtgw.protocol.config;

import java.util.List;

/**
 * How JSON Web Tokens are verified. {@code hmacSecrets}: shared secrets for HS256/384/512 (each at least
 * 32 bytes, RFC 7518 3.2); {@code publicKeys}: PEM public keys (RSA or EC) for RS256/384/512 and
 * ES256/384/512; {@code audience} and {@code issuer}, when set, must match the token's {@code aud} and
 * {@code iss}; {@code leewaySeconds} forgives clocks that differ a little on {@code exp} and {@code nbf}.
 * A token's algorithm must match a configured key's: {@code alg: none} and an HMAC token checked against
 * an RSA key (key confusion) are refused.
 *
 * <p>{@code jwksUrl}: an {@code http(s)} URL serving a JSON Web Key Set (RSA and EC public keys, each
 * with a {@code kid}), fetched at start, again every {@code jwksRefreshMs} (so keys the issuer retired
 * stop verifying), and again when a token names a {@code kid} not in the set, but never sooner than
 * {@code jwksMinRefetchMs} after the previous fetch: tokens with made-up key ids cannot make the
 * gateway hammer the key server. {@code jwksTimeoutMs} bounds one fetch.
 */
public record JwtConfig(List<String> hmacSecrets, List<String> publicKeys, String audience, String issuer,
                        Long leewaySeconds, String jwksUrl, Long jwksRefreshMs, Long jwksMinRefetchMs,
                        Long jwksTimeoutMs) {

  public static final long DEFAULT_LEEWAY_SECONDS = 5;
  public static final long DEFAULT_JWKS_REFRESH_MS = 600_000;
  public static final long DEFAULT_JWKS_MIN_REFETCH_MS = 30_000;
  public static final long DEFAULT_JWKS_TIMEOUT_MS = 5_000;
  /** The secret conf/standalone.json ships for development: public, so anyone can sign tokens with it. */
  public static final String DEVELOPMENT_SECRET = "rtgw-DEVELOPMENT-ONLY-secret-anyone-can-read-this-in-the-repository";
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  public JwtConfig {
    hmacSecrets = hmacSecrets == null ? List.of() : List.copyOf(hmacSecrets);
    publicKeys = publicKeys == null ? List.of() : List.copyOf(publicKeys);
    leewaySeconds = leewaySeconds == null ? DEFAULT_LEEWAY_SECONDS : leewaySeconds;
    Check.range("auth.jwt.leewaySeconds", leewaySeconds, 0, 600);
    jwksUrl = jwksUrl == null || jwksUrl.isBlank() ? null : jwksUrl.trim();
    jwksRefreshMs = jwksRefreshMs == null ? DEFAULT_JWKS_REFRESH_MS : jwksRefreshMs;
    jwksMinRefetchMs = jwksMinRefetchMs == null ? DEFAULT_JWKS_MIN_REFETCH_MS : jwksMinRefetchMs;
    jwksTimeoutMs = jwksTimeoutMs == null ? DEFAULT_JWKS_TIMEOUT_MS : jwksTimeoutMs;
    Check.range("auth.jwt.jwksRefreshMs", jwksRefreshMs, 1_000, 86_400_000);
    Check.range("auth.jwt.jwksMinRefetchMs", jwksMinRefetchMs, 10, 3_600_000);
    Check.range("auth.jwt.jwksTimeoutMs", jwksTimeoutMs, 100, 60_000);
    if (jwksUrl != null) {
      java.net.URI uri;
      try {
        uri = new java.net.URI(jwksUrl);
      } catch (java.net.URISyntaxException e) {
        throw new ConfigException("auth.jwt.jwksUrl is not a URL: " + jwksUrl + ".");
      }
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException("auth.jwt.jwksUrl must be an http:// or https:// URL with a host, not " + jwksUrl + ".");
      }
    }
    for (String secret : hmacSecrets) {
      if (secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_HMAC_SECRET_BYTES) {
        throw new ConfigException("auth.jwt.hmacSecrets: each secret must be at least " + MIN_HMAC_SECRET_BYTES
            + " bytes (a shorter one can be guessed).");
      }
    }
  }

  /** True when the public development secret is among the secrets: fine on a laptop, never in production. */
  public boolean usesDevelopmentSecret() {
    return hmacSecrets.contains(DEVELOPMENT_SECRET);
  }

  /** True when tokens can be verified at all. */
  public boolean configured() {
    return !hmacSecrets.isEmpty() || !publicKeys.isEmpty() || jwksUrl != null;
  }
}
