package io.rtgw.connection.session;

import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.AuthConfig;
import io.rtgw.protocol.config.IdentityConfig;
import io.rtgw.protocol.config.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a client's credentials, the same way on every transport: a JWT ({@code Authorization: Bearer},
 * or {@code token=} for browsers' WebSocket and EventSource, which cannot set headers), an API key
 * ({@code Authorization: apikey <key>}, HTTP API only), or in development {@code ?user=}. A credential
 * given and not valid is always refused, never taken for anonymous; none at all is anonymous where
 * {@code auth.anonymous} allows it.
 */
public final class Authenticator {

  private static final String BEARER = "bearer ";
  private static final String APIKEY = "apikey ";

  private final JwksKeys jwks;
  /** Rebuilt when the JWKS keys change; only this verticle's event loop touches it. */
  private JWTAuth jwt;
  private final IdentityConfig identity;
  private final AuthConfig auth;
  private final List<byte[]> apiKeys;

  /**
   * {@code deployment}: the connection-verticle deployment this instance belongs to; its instances share
   * one JWKS key set and fetch ({@link NodeJwks}).
   */
  public Authenticator(Vertx vertx, AuthConfig auth, IdentityConfig identity, String deployment) {
    this.auth = auth;
    this.identity = identity;
    this.jwt = auth.jwt().configured() ? JWTAuth.create(vertx, options(auth.jwt())) : null;
    this.jwks = auth.jwt().jwksUrl() == null ? null
        : new JwksKeys(vertx, auth.jwt(), deployment, keys -> jwt = JWTAuth.create(vertx, options(auth.jwt()).setJwks(keys)));
    this.apiKeys = auth.apiKeys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /** Whether a client without credentials may connect. */
  public boolean anonymousAllowed() {
    return auth.anonymous();
  }

  /** Whether the request carries any credential at all (a token, an API key, or {@code ?user=}). */
  public boolean hasCredentials(HttpServerRequest request) {
    return request.getHeader(HttpHeaders.AUTHORIZATION) != null || request.getParam("token") != null
        || request.getParam("user") != null;
  }

  /**
   * The identity of a request's credentials; none at all is {@link Identity#ANONYMOUS} where allowed.
   * Fails with {@code unauthorized} for a credential that is not valid, or none where one is required.
   */
  public Future<Identity> authenticate(HttpServerRequest request, boolean acceptApiKey) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header != null) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith(BEARER)) {
        return verify(header.substring(BEARER.length()).trim());
      }
      if (lower.startsWith(APIKEY)) {
        return acceptApiKey ? apiKey(header.substring(APIKEY.length()).trim())
            : Future.failedFuture(unauthorized("API keys are for the HTTP API (publish, history, presence); "
                + "clients connect with a token."));
      }
      return Future.failedFuture(unauthorized("The Authorization header must be 'Bearer <token>'"
          + (acceptApiKey ? " or 'apikey <key>'." : ".")));
    }
    String token = request.getParam("token");
    if (token != null) {
      return verify(token);
    }
    String user = request.getParam("user");
    if (user != null) {
      try {
        return Future.succeededFuture(Identity.user(userParam(user)));
      } catch (GatewayException e) {
        return Future.failedFuture(e);
      }
    }
    return anonymousAllowed() ? Future.succeededFuture(Identity.ANONYMOUS)
        : Future.failedFuture(unauthorized("Authentication required: send 'Authorization: Bearer <token>' or "
            + "'token=<token>'."));
  }

  /** Verifies a JWT: signature, {@code exp}, {@code nbf}, {@code aud}, {@code iss}, and a {@code sub}. */
  public Future<Identity> verify(String token) {
    return claims(token).compose(this::identityOf);
  }

  /**
   * A subscription token's channel: a JWT naming {@code sub} (the connection's own user) and
   * {@code channel}, verified like any token. It grants that one channel to that one user.
   */
  public Future<String> verifyGrant(String token, Identity who) {
    if (who.user() == null) {
      return Future.failedFuture(GatewayException.forbidden("A subscription token is for a signed-in user; "
          + "connect with a token first."));
    }
    return claims(token).compose(claims -> {
      Object sub = claims.getValue("sub");
      Object channel = claims.getValue("channel");
      if (!who.user().equals(sub)) {
        return Future.failedFuture(GatewayException.forbidden("The subscription token is for another user."));
      }
      if (!(channel instanceof String c) || !ChannelName.isValid(c)) {
        return Future.failedFuture(unauthorized("The subscription token has no valid 'channel' claim."));
      }
      return Future.succeededFuture(c);
    });
  }

  /**
   * The identity of a request's credentials with the grants of its {@code channel_token} parameters
   * (SSE and polls: one per granted channel).
   */
  public Future<Identity> authenticateWithGrants(HttpServerRequest request) {
    java.util.List<String> tokens = request.params().getAll("channel_token");
    if (tokens.isEmpty()) {
      return authenticate(request, false);
    }
    return authenticate(request, false).compose(who -> {
      java.util.List<Future<String>> checks = new java.util.ArrayList<>();
      for (String t : tokens) {
        checks.add(verifyGrant(t, who));
      }
      return Future.all(checks).map(all -> {
        Set<String> grants = new HashSet<>(who.grants());
        for (int i = 0; i < checks.size(); i++) {
          grants.add(all.resultAt(i));
        }
        return new Identity(who.user(), who.expiresAt(), grants, who.service(), who.info(), who.hooked());
      });
    });
  }

  /** The claims of a JWT whose signature, exp, nbf, aud and iss check out. */
  private Future<JsonObject> claims(String token) {
    if (jwt == null) {
      return Future.failedFuture(unauthorized("This server accepts no tokens (no auth.jwt keys are configured)."));
    }
    if (token.isEmpty()) {
      return Future.failedFuture(unauthorized("The token is empty."));
    }
    Future<Void> keys = jwks == null ? Future.succeededFuture() : jwks.keysFor(keyIdOf(token));
    return keys.compose(v -> jwt.authenticate(new TokenCredentials(token)))
        .recover(e -> Future.failedFuture(unauthorized("The token is not valid: " + reason(e) + ".")))
        .map(user -> {
          // Vert.x keeps the whole payload as the accessToken attribute and moves exp and iat out of the principal
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal()).copy();
          if (!claims.containsKey("exp") && user.attributes().containsKey("exp")) {
            claims.put("exp", user.attributes().getValue("exp"));
          }
          return claims;
        });
  }

  /** Frees what the verifier holds (the JWKS client). */
  public void close() {
    if (jwks != null) {
      jwks.close();
    }
  }

  /** The {@code kid} of a token's header, or null where it has none or the header is not JSON. */
  static String keyIdOf(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0 || dot > 4096) {
      return null;
    }
    try {
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)),
          StandardCharsets.UTF_8));
      return header.getValue("kid") instanceof String kid ? kid : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Future<Identity> identityOf(JsonObject claims) {
    Object sub = claims.getValue("sub");
    if (!(sub instanceof String s) || s.isEmpty()) {
      return Future.failedFuture(unauthorized("The token has no 'sub' claim (the user id)."));
    }
    if (s.length() > Identity.MAX_USER_ID_LENGTH || !ChannelName.isValid(ChannelName.personal(s))) {
      return Future.failedFuture(unauthorized("The token's 'sub' is not a valid user id (1 to "
          + Identity.MAX_USER_ID_LENGTH + " characters of A-Z a-z 0-9 _ - . : @ /)."));
    }
    Object exp = claims.getValue("exp");
    Long expiresAt = exp instanceof Number n ? n.longValue() * 1000 : null;
    Set<String> grants = new HashSet<>();
    Object channels = claims.getValue("channels");
    if (channels != null) {
      if (!(channels instanceof JsonArray list)) {
        return Future.failedFuture(unauthorized("The token's 'channels' claim must be a list of channel names."));
      }
      for (Object c : list) {
        if (!(c instanceof String name) || !ChannelName.isValid(name)) {
          return Future.failedFuture(unauthorized("The token's 'channels' claim holds an invalid channel name."));
        }
        grants.add(name);
      }
    }
    // the claims go along for the connect hook, which may want more of the token than its sub
    return Future.succeededFuture(new Identity(s, expiresAt, grants, false, claims, false));
  }

  private Future<Identity> apiKey(String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    boolean known = false;
    for (byte[] k : apiKeys) {
      // constant time: how long the comparison takes says nothing about how much of a key was right
      known |= MessageDigest.isEqual(k, given);
    }
    return known ? Future.succeededFuture(Identity.backend())
        : Future.failedFuture(unauthorized("The API key is not valid."));
  }

  private String userParam(String user) {
    if (!identity.allowUserParam()) {
      throw unauthorized("The 'user' parameter is accepted only in development mode; authenticate instead.");
    }
    if (user.isEmpty() || user.length() > Identity.MAX_USER_ID_LENGTH
        || !ChannelName.isValid(ChannelName.personal(user))) {
      throw GatewayException.badRequest("A user id is 1 to " + Identity.MAX_USER_ID_LENGTH
          + " characters of A-Z a-z 0-9 _ - . : @ /.");
    }
    return user;
  }

  static GatewayException unauthorized(String sentence) {
    return new GatewayException(ErrorCode.UNAUTHORIZED, sentence);
  }

  /** Vert.x's reason, which names what failed (signature, expiry, audience) and never the token itself. */
  private static String reason(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    m = m.length() > 120 ? m.substring(0, 120) : m;
    return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
  }

  private static JWTAuthOptions options(JwtConfig config) {
    JWTOptions jwtOptions = new JWTOptions().setLeeway((int) (long) config.leewaySeconds());
    if (config.audience() != null) {
      jwtOptions.setAudience(List.of(config.audience()));
    }
    if (config.issuer() != null) {
      jwtOptions.setIssuer(config.issuer());
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(jwtOptions);
    for (String secret : config.hmacSecrets()) {
      for (String alg : List.of("HS256", "HS384", "HS512")) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(secret));
      }
    }
    for (String pem : config.publicKeys()) {
      for (String alg : algorithmsOf(pem)) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(pem));
      }
    }
    return options;
  }

  /** The signature algorithms a PEM public key verifies: RS* for RSA, the one ES* of an EC key's curve. */
  static List<String> algorithmsOf(String pem) {
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").trim());
    try {
      KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
      return List.of("RS256", "RS384", "RS512");
    } catch (java.security.GeneralSecurityException notRsa) {
      try {
        ECPublicKey ec = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        int bits = ec.getParams().getCurve().getField().getFieldSize();
        return List.of(bits <= 256 ? "ES256" : bits <= 384 ? "ES384" : "ES512");
      } catch (java.security.GeneralSecurityException | ClassCastException e) {
        throw new io.rtgw.protocol.config.ConfigException(
            "auth.jwt.publicKeys: a key is neither an RSA nor an EC public key in PEM (-----BEGIN PUBLIC KEY-----).");
      }
    }
  }
}
