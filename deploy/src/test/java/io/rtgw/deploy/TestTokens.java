package io.rtgw.deploy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;

/**
 * Signs tokens for tests the way an application's auth server would: an HMAC secret and an RSA key pair
 * made here, the gateway given the secret and the public key ({@link #env}).
 */
final class TestTokens {

  static final String AUDIENCE = "rtgw-tests";
  static final String ISSUER = "https://auth.test";

  final String hmacSecret = "test-secret-" + "0123456789abcdef0123456789abcdef";
  final String rsaPublicPem;
  private final String rsaPrivatePem;
  private final JWTAuth hs;
  private final JWTAuth rs;
  private final JWTAuth otherHs;

  TestTokens(Vertx vertx) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      KeyPair pair = gen.generateKeyPair();
      rsaPublicPem = pem("PUBLIC KEY", pair.getPublic().getEncoded());
      rsaPrivatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    hs = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer(hmacSecret)));
    rs = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
        .setBuffer(rsaPrivatePem)));
    // the key-confusion attack: an HMAC token whose "secret" is the server's public RSA key
    otherHs = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer(rsaPublicPem)));
  }

  /** The gateway's settings for these keys, with tokens required. */
  List<String> env() {
    return List.of("GATEWAY_AUTH_JWT_HMAC_SECRETS", hmacSecret,
        "GATEWAY_AUTH_JWT_PUBLIC_KEYS", rsaPublicPem,
        "GATEWAY_AUTH_JWT_AUDIENCE", AUDIENCE,
        "GATEWAY_AUTH_JWT_ISSUER", ISSUER,
        "GATEWAY_AUTH_ANONYMOUS", "false",
        "GATEWAY_IDENTITY_ALLOW_USER_PARAM", "false");
  }

  /** Claims of a valid token for {@code user}, expiring in {@code seconds}. */
  static JsonObject claims(String user, long seconds) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject c = new JsonObject().put("aud", AUDIENCE).put("iss", ISSUER).put("iat", now).put("exp", now + seconds);
    return user == null ? c : c.put("sub", user);
  }

  String hs256(JsonObject claims) {
    return hs.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  String rs256(JsonObject claims) {
    return rs.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
  }

  String hs256WithThePublicKey(JsonObject claims) {
    return otherHs.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  /** An unsigned token ({@code alg: none}), which must never be accepted. */
  static String unsigned(JsonObject claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }

  static JsonObject withChannels(JsonObject claims, String... channels) {
    return claims.put("channels", new JsonArray(List.of((Object[]) channels)));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der) + "\n-----END " + type + "-----\n";
  }
}
