package io.rtgw.connection.session;

import io.rtgw.protocol.config.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys of a JWKS URL ({@code auth.jwt.jwksUrl}), fetched without blocking: at start, again
 * when the set is older than {@code jwksRefreshMs} (in the background, the token in hand is checked with
 * the keys there are), and at once when a token names a {@code kid} the set lacks, which is how a
 * rotated-in key is learnt. Fetches are at least {@code jwksMinRefetchMs} apart whatever the tokens
 * say, and one fetch in flight serves every token waiting for it. A failed fetch keeps the last good
 * set. Only RSA and EC signing keys are taken: a symmetric key in a published set would let anyone sign.
 *
 * <p>One instance per connection verticle, on its event loop, over the node's {@link NodeJwks}: the
 * instances of a node share one key set and one fetch, and each rebuilds its own verifier when the
 * set changed.
 */
final class JwksKeys {

  private static final Logger LOG = LoggerFactory.getLogger(JwksKeys.class);
  /** A key set is a few kilobytes; past this the answer is not one. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final JwtConfig config;
  private final HttpClient client;
  private final Consumer<List<JsonObject>> onKeys;
  private final NodeJwks node;
  /** The version of the node's key set this instance's verifier was built from. */
  private long applied;

  JwksKeys(Vertx vertx, JwtConfig config, String deployment, Consumer<List<JsonObject>> onKeys) {
    this.vertx = vertx;
    this.config = config;
    this.onKeys = onKeys;
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) (long) config.jwksTimeoutMs())
        .setKeepAlive(false));
    this.node = NodeJwks.join(vertx, deployment, config);
    node.keysFor(null, this::fetch);
  }

  /**
   * Completes when the keys to check a token with key id {@code kid} (may be null) are as current as the
   * refetch bound allows. Never fails: a token whose key is still unknown then fails its own check.
   */
  Future<Void> keysFor(String kid) {
    apply();
    return node.keysFor(kid, this::fetch).onSuccess(v -> apply());
  }

  /** Fetches started so far on this node (each one a request to the key server). */
  long fetches() {
    return node.fetches();
  }

  /** Rebuilds this instance's verifier if the node's key set is newer than the one it has. */
  private void apply() {
    NodeJwks.KeySet set = node.keySet();
    if (set.version() != applied) {
      applied = set.version();
      onKeys.accept(set.keys());
    }
  }

  /** One request to the key server: the usable keys, or null (logged) when it fails or times out. */
  private Future<List<JsonObject>> fetch() {
    Promise<List<JsonObject>> done = Promise.promise();
    int known = node.keySet().kids().size();
    long timer = vertx.setTimer(config.jwksTimeoutMs(), id -> {
      if (done.tryComplete(null)) {
        LOG.warn("JWKS fetch from {} did not answer within {} ms; keeping the {} keys known", config.jwksUrl(),
            config.jwksTimeoutMs(), known);
      }
    });
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(config.jwksUrl())
            .setIdleTimeout(config.jwksTimeoutMs()))
        .compose(request -> request.send())
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("it answered " + response.statusCode());
          }
          String length = response.getHeader("Content-Length");
          if (length != null && length.length() < 12 && Long.parseLong(length) > MAX_BODY_BYTES) {
            return Future.failedFuture("its answer is over " + MAX_BODY_BYTES + " bytes");
          }
          return response.body();
        })
        .onComplete(ar -> {
          vertx.cancelTimer(timer);
          if (done.future().isComplete()) {
            return;
          }
          if (ar.succeeded()) {
            done.complete(accept(ar.result().length() > MAX_BODY_BYTES ? null : ar.result().toString(), known));
          } else {
            LOG.warn("JWKS fetch from {} failed: {}; keeping the {} keys known", config.jwksUrl(),
                ar.cause().getMessage(), known);
            done.complete(null);
          }
        });
    return done.future();
  }

  /** The usable keys of a fetched body, or null (logged) when it is not a key set. */
  private List<JsonObject> accept(String body, int known) {
    JsonArray keys;
    try {
      keys = body == null ? null : new JsonObject(body).getJsonArray("keys");
    } catch (RuntimeException e) {
      keys = null;
    }
    if (keys == null) {
      LOG.warn("JWKS from {} is not a JSON object with a keys list; keeping the {} keys known", config.jwksUrl(),
          known);
      return null;
    }
    List<JsonObject> usable = new ArrayList<>();
    for (Object k : keys) {
      if (k instanceof JsonObject key && usable(key)) {
        usable.add(key);
      }
    }
    LOG.info("JWKS from {}: {} signing keys ({} skipped)", config.jwksUrl(), usable.size(), keys.size() - usable.size());
    return usable;
  }

  /** An RSA or EC key for signatures that Vert.x can load; anything else is skipped with a line. */
  private boolean usable(JsonObject key) {
    String kty = key.getString("kty");
    String use = key.getString("use");
    if (!"RSA".equals(kty) && !"EC".equals(kty)) {
      LOG.warn("JWKS key {} skipped: only RSA and EC public keys are taken, not kty {}", key.getString("kid"), kty);
      return false;
    }
    if (use != null && !"sig".equals(use)) {
      return false;
    }
    if (key.containsKey("d")) {
      LOG.warn("JWKS key {} skipped: it holds a private key, which a published set must not", key.getString("kid"));
      return false;
    }
    try {
      JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key));
      return true;
    } catch (RuntimeException e) {
      LOG.warn("JWKS key {} skipped: {}", key.getString("kid"), e.getMessage());
      return false;
    }
  }

  void close() {
    client.close();
    node.leave(vertx);
  }
}
