package io.rtgw.connection.http;

import io.rtgw.connection.HttpErrors;
import io.rtgw.connection.session.Identity;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.config.JwtConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /demo/token?user=NAME}: a short-lived HS256 token for NAME, signed with the public
 * development secret, so that the demo page connects the way production clients do (with {@code token=})
 * instead of {@code ?user=}. It exists only on a node whose {@code auth.jwt.hmacSecrets} holds that
 * secret: such a node already lets anyone sign any token, so the endpoint gives away nothing more, and a
 * node with a real secret has no such route at all (404). Not part of the wire protocol.
 */
public final class DemoTokens {

  public static final String PATH = "/demo/token";

  private final JWTAuth signer;
  private final long ttlSeconds;
  private final JwtConfig jwt;

  public DemoTokens(Vertx vertx, JwtConfig jwt, long ttlSeconds) {
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(JwtConfig.DEVELOPMENT_SECRET)));
    this.jwt = jwt;
    this.ttlSeconds = ttlSeconds;
  }

  public void handle(RoutingContext ctx) {
    String user = ctx.request().getParam("user");
    if (user == null || user.isEmpty()) {
      HttpErrors.send(ctx.response(), ErrorCode.BAD_REQUEST,
          "GET " + PATH + " needs a user parameter: the name the token is for.");
      return;
    }
    if (user.length() > Identity.MAX_USER_ID_LENGTH || !ChannelName.isValid(ChannelName.personal(user))) {
      HttpErrors.send(ctx.response(), ErrorCode.BAD_REQUEST, "A user id is 1 to " + Identity.MAX_USER_ID_LENGTH
          + " characters of A-Z a-z 0-9 _ - . : @ /.");
      return;
    }
    long expiresAt = (System.currentTimeMillis() / 1000 + ttlSeconds) * 1000;
    JsonObject claims = new JsonObject().put("sub", user).put("exp", expiresAt / 1000);
    // a node that checks aud and iss must accept the demo's tokens too
    if (jwt.audience() != null) {
      claims.put("aud", jwt.audience());
    }
    if (jwt.issuer() != null) {
      claims.put("iss", jwt.issuer());
    }
    String token = signer.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
    JsonReplies.ok(ctx.response(), new JsonObject().put("token", token).put("user", user).put("expiresAt", expiresAt));
  }
}
