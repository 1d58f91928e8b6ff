package io.rtgw.deploy;

import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An auth server's key-set endpoint for tests: a real HTTP server on a free loopback port serving a JSON
 * Web Key Set with one RSA key, which {@link #rotate} replaces by a new one (new {@code kid}), as an issuer
 * does when it rotates its signing key. {@link #requests} counts the fetches it answered.
 */
final class TestJwks implements AutoCloseable {

  private final Vertx vertx;
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger generation = new AtomicInteger();
  private volatile JWTAuth signer;
  private volatile JWTAuth retired;
  private volatile JsonObject set;
  /** A key nobody published, made once: RSA key generation takes a good part of a second. */
  private final KeyPair unpublished = rsa();

  private TestJwks(Vertx vertx) {
    this.vertx = vertx;
    rotate();
    this.server = WsClient.await(vertx.createHttpServer()
        .requestHandler(request -> {
          requests.incrementAndGet();
          request.response().putHeader("Content-Type", "application/json").end(set.encode());
        })
        .listen(0, "127.0.0.1"));
  }

  static TestJwks start(Vertx vertx) {
    return new TestJwks(vertx);
  }

  /** Where the gateway fetches the set. */
  String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/.well-known/jwks.json";
  }

  int requests() {
    return requests.get();
  }

  /** The key id of the key signing now. */
  String kid() {
    return "key-" + generation.get();
  }

  /** Replaces the served key by a new one; tokens are signed with the new one from now on. */
  synchronized void rotate() {
    int next = generation.incrementAndGet();
    KeyPair pair = rsa();
    RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
    set = new JsonObject().put("keys", new JsonArray().add(new JsonObject()
        .put("kty", "RSA").put("use", "sig").put("alg", "RS256").put("kid", "key-" + next)
        .put("n", b64(pub.getModulus())).put("e", b64(pub.getPublicExponent()))));
    retired = signer;
    signer = signerFor(pair, "key-" + next);
  }

  /** A token signed with the key the set holds now. */
  String sign(JsonObject claims) {
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
  }

  /** A token signed with the key {@link #rotate} retired (null before the first rotation). */
  String signWithRetiredKey(JsonObject claims) {
    return retired.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
  }

  /** A token naming a key id the set never held, signed with a key nobody published. */
  String signWithUnknownKey(JsonObject claims, String kid) {
    return signerFor(unpublished, kid).generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true));
  }

  @Override
  public void close() {
    WsClient.await(server.close());
  }

  private JWTAuth signerFor(KeyPair pair, String kid) {
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
        .setId(kid).setBuffer(pem)));
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      return gen.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JWK integer: big-endian, no sign byte, base64url without padding (RFC 7518 6.3.1). */
  private static String b64(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
