package io.rtgw.protocol.config;

import java.util.List;

/**
 * How JSON Web Tokens are verified. {@code hmacSecrets}: shared secrets for HS256/384/512 (each at least
 * 32 bytes, RFC 7518 3.2); {@code publicKeys}: PEM public keys (RSA or EC) for RS256/384/512 and
 * ES256/384/512; {@code audience} and {@code issuer}, when set, must match the token's {@code aud} and
 * {@code iss}; {@code leewaySeconds} forgives clocks that differ a little on {@code exp} and {@code nbf}.
 * A token's algorithm must match a configured key's: {@code alg: none} and an HMAC token checked against
 * an RSA key (key confusion) are refused.
 */
public record JwtConfig(List<String> hmacSecrets, List<String> publicKeys, String audience, String issuer,
                        Long leewaySeconds) {

  public static final long DEFAULT_LEEWAY_SECONDS = 5;
  /** The secret conf/standalone.json ships for development: public, so anyone can sign tokens with it. */
  public static final String DEVELOPMENT_SECRET = "rtgw-DEVELOPMENT-ONLY-secret-anyone-can-read-this-in-the-repository";
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  public JwtConfig {
    hmacSecrets = hmacSecrets == null ? List.of() : List.copyOf(hmacSecrets);
    publicKeys = publicKeys == null ? List.of() : List.copyOf(publicKeys);
    leewaySeconds = leewaySeconds == null ? DEFAULT_LEEWAY_SECONDS : leewaySeconds;
    Check.range("auth.jwt.leewaySeconds", leewaySeconds, 0, 600);
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
    return !hmacSecrets.isEmpty() || !publicKeys.isEmpty();
  }
}
