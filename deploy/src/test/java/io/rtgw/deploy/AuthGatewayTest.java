package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Token authentication over real sockets (PROTOCOL.md, Version 1.1), on a gateway that requires a token:
 * one row per kind of token, each tried on WebSocket, SSE, long polling and the HTTP API, each with its
 * exact answer. An invalid token is never taken for anonymous.
 */
class AuthGatewayTest {

  private static final Vertx SIGNER = Vertx.vertx();
  private static final TestTokens TOKENS = new TestTokens(SIGNER);
  private static final String API_KEY = "backend-key-0123456789abcdefghij";
  /** The key server's fetches are at least this far apart, whatever tokens arrive. */
  private static final long JWKS_MIN_REFETCH_MS = 300;
  private static final TestJwks JWKS = TestJwks.start(SIGNER);

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(env());

  private static String[] env() {
    List<String> env = new ArrayList<>(TOKENS.env());
    env.addAll(List.of("GATEWAY_AUTH_API_KEYS", API_KEY, "GATEWAY_AUTH_CONNECT_TIMEOUT_MS", "1000",
        "GATEWAY_AUTH_REFRESH_AHEAD_MS", "1500", "GATEWAY_AUTH_JWT_JWKS_URL", JWKS.url(),
        "GATEWAY_AUTH_JWT_JWKS_MIN_REFETCH_MS", String.valueOf(JWKS_MIN_REFETCH_MS)));
    return env.toArray(String[]::new);
  }

  @AfterAll
  static void closeSigner() {
    JWKS.close();
    WsClient.await(SIGNER.close());
  }

  record Row(String name, Function<TestTokens, String> token, boolean valid) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> tokens() {
    return Stream.of(
        new Row("a valid HS256 token", t -> t.hs256(TestTokens.claims("alice", 300)), true),
        new Row("a valid RS256 token", t -> t.rs256(TestTokens.claims("alice", 300)), true),
        new Row("a valid token signed with a key of the JWKS", t -> JWKS.sign(TestTokens.claims("alice", 300)), true),
        new Row("a token naming a key id the JWKS does not hold", t -> JWKS.signWithUnknownKey(
            TestTokens.claims("alice", 300), "made-up"), false),
        new Row("an expired token", t -> t.hs256(TestTokens.claims("alice", -120)), false),
        new Row("a token not valid yet", t -> t.hs256(TestTokens.claims("alice", 300)
            .put("nbf", System.currentTimeMillis() / 1000 + 120)), false),
        new Row("an unsigned token (alg none)", t -> TestTokens.unsigned(TestTokens.claims("alice", 300)), false),
        new Row("an HS256 token signed with the RSA public key", t -> t.hs256WithThePublicKey(
            TestTokens.claims("alice", 300)), false),
        new Row("a token for another audience", t -> t.hs256(TestTokens.claims("alice", 300).put("aud", "other")),
            false),
        new Row("a token from another issuer", t -> t.hs256(TestTokens.claims("alice", 300).put("iss", "https://x")),
            false),
        new Row("a token without sub", t -> t.hs256(TestTokens.claims(null, 300)), false),
        new Row("garbage", t -> "garbage", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tokens")
  void every_transport_accepts_a_valid_token_and_refuses_any_other_with_its_code(Row row) {
    String token = row.token().apply(TOKENS);
    HttpCalls http = gateway.http();

    WsClient ws = gateway.ws("token=" + token);
    if (row.valid()) {
      JsonObject connected = ws.await(f -> "connected".equals(f.getString("type")));
      assertThat(connected.getString("user")).isEqualTo("alice");
      assertThat(connected.getString("client")).isNotBlank();
      assertThat(connected.getLong("expiresAt")).isGreaterThan(System.currentTimeMillis());
      assertThat(ws.subscribe("chat:auth").getString("type")).isEqualTo("subscribed");
    } else {
      assertThat(ws.awaitClose()).isEqualTo((short) 1008);
    }

    int expected = row.valid() ? 200 : 401;
    SseClient sse = gateway.sse("/sse?channel=chat:auth&token=" + token);
    assertThat(sse.status()).isEqualTo(expected);
    HttpCalls.Reply poll = http.get("/poll?channel=chat:auth&token=" + token);
    assertThat(poll.status()).isEqualTo(expected);
    HttpCalls.Reply history = http.get("/history?channel=chat:auth", Map.of("Authorization", "Bearer " + token));
    assertThat(history.status()).isEqualTo(expected);
    if (!row.valid()) {
      assertThat(poll.json().getString("code")).isEqualTo("unauthorized");
      assertThat(poll.json().getString("message")).isNotBlank().doesNotContain(token);
      assertThat(history.headers().get("WWW-Authenticate")).isEqualTo("Bearer");
    }
  }

  @Test
  void a_jwks_key_rotated_while_connections_are_open_is_learnt_and_the_retired_one_refused() throws Exception {
    String channel = "chat:rotation";
    WsClient before = gateway.ws("token=" + JWKS.sign(TestTokens.claims("alice", 300)));
    before.await(f -> "connected".equals(f.getString("type")));
    before.subscribe(channel);
    SseClient stream = gateway.sse("/sse?channel=" + channel + "&token=" + JWKS.sign(TestTokens.claims("alice", 300)));
    stream.await(e -> e.type().equals("subscribed"));

    // a refetch is allowed only past the bound since the last fetch, which an earlier test may have made
    Thread.sleep(JWKS_MIN_REFETCH_MS + 50);
    JWKS.rotate();
    String fresh = JWKS.sign(TestTokens.claims("bob", 300));
    String retired = JWKS.signWithRetiredKey(TestTokens.claims("bob", 300));
    int fetchesBefore = JWKS.requests();

    // the new key id is unknown: the first token naming it makes the gateway fetch the set again
    WsClient after = gateway.ws("token=" + fresh);
    assertThat(after.await(f -> "connected".equals(f.getString("type"))).getString("user")).isEqualTo("bob");
    assertThat(JWKS.requests()).isEqualTo(fetchesBefore + 1);
    assertThat(gateway.sse("/sse?channel=" + channel + "&token=" + fresh).status()).isEqualTo(200);
    assertThat(gateway.http().get("/poll?channel=" + channel + "&token=" + fresh).status()).isEqualTo(200);
    HttpCalls.Reply published = gateway.http().post("/publish", io.vertx.core.buffer.Buffer.buffer(new JsonObject()
        .put("channel", channel).put("data", "after rotation").encode()),
        Map.of("Authorization", "Bearer " + fresh, "Content-Type", "application/json"));
    assertThat(published.status()).isEqualTo(200);

    // the retired key left the set with that fetch: its tokens are refused everywhere
    assertThat(gateway.ws("token=" + retired).awaitClose()).isEqualTo((short) 1008);
    assertThat(gateway.sse("/sse?channel=" + channel + "&token=" + retired).status()).isEqualTo(401);
    assertThat(gateway.http().get("/poll?channel=" + channel + "&token=" + retired).status()).isEqualTo(401);
    HttpCalls.Reply history = gateway.http().get("/history?channel=" + channel,
        Map.of("Authorization", "Bearer " + retired));
    assertThat(history.status()).isEqualTo(401);
    assertThat(history.json().getString("code")).isEqualTo("unauthorized");

    // connections opened with the retired key stay open and keep receiving; a refresh takes the new key
    assertThat(before.awaitMessages(channel, 1).get(0).getString("data")).isEqualTo("after rotation");
    assertThat(stream.awaitMessages(1).get(0).json().getString("data")).isEqualTo("after rotation");
    JsonObject refreshed = before.request(new JsonObject().put("type", "refresh")
        .put("token", JWKS.sign(TestTokens.claims("alice", 600))));
    assertThat(refreshed.getString("type")).isEqualTo("refreshed");
  }

  @Test
  void tokens_naming_made_up_key_ids_cannot_make_the_gateway_hammer_the_key_server() throws Exception {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tokens.add(JWKS.signWithUnknownKey(TestTokens.claims("mallory", 300), "made-up-" + i));
    }
    Thread.sleep(JWKS_MIN_REFETCH_MS + 50);
    int fetchesBefore = JWKS.requests();
    long started = System.nanoTime();
    List<io.vertx.core.Future<HttpCalls.Reply>> replies = new ArrayList<>();
    for (String token : tokens) {
      replies.add(gateway.http().getAsync("/history?channel=chat:x", Map.of("Authorization", "Bearer " + token)));
    }
    for (io.vertx.core.Future<HttpCalls.Reply> reply : replies) {
      assertThat(WsClient.await(reply).status()).isEqualTo(401);
    }
    long elapsedMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    // 40 unknown key ids: one fetch for the node (its connection instances share the key set and the
    // fetch), and one more per refetch interval the 40 answers took (on a loaded machine they may take
    // longer than one), never one per token
    long allowed = 1 + elapsedMs / JWKS_MIN_REFETCH_MS;
    assertThat(JWKS.requests() - fetchesBefore).as("key-set fetches for 40 tokens answered in %d ms", elapsedMs)
        .isBetween(0, (int) Math.min(allowed, 39));
  }

  @Test
  void without_credentials_nothing_is_served_where_a_token_is_required() {
    HttpCalls http = gateway.http();
    assertThat(http.get("/poll?channel=chat:anon").status()).isEqualTo(401);
    assertThat(http.get("/history?channel=chat:anon").status()).isEqualTo(401);
    assertThat(gateway.sse("/sse?channel=chat:anon").status()).isEqualTo(401);
    assertThat(http.get("/poll?channel=chat:anon&user=alice").json().getString("code")).isEqualTo("unauthorized");

    // a WebSocket without a token may still send connect first; any other command closes it with 1008
    WsClient eager = gateway.ws(null);
    eager.send(new JsonObject().put("id", 1).put("type", "subscribe").put("channel", "chat:anon"));
    assertThat(eager.awaitClose()).isEqualTo((short) 1008);
    WsClient silent = gateway.ws(null);
    assertThat(silent.awaitClose()).as("closed at the connect deadline").isEqualTo((short) 1008);
  }

  @Test
  void a_token_may_come_as_the_first_command_and_connected_answers_it() {
    String token = TOKENS.rs256(TestTokens.claims("bob", 300));
    WsClient ws = gateway.ws(null);
    JsonObject connected = ws.request(new JsonObject().put("type", "connect").put("token", token));
    assertThat(connected.getString("type")).isEqualTo("connected");
    assertThat(connected.getString("user")).isEqualTo("bob");
    // the personal channel follows, as for any identified connection
    ws.await(f -> "subscribed".equals(f.getString("type")) && "user:bob".equals(f.getString("channel")));
    JsonObject again = ws.request(new JsonObject().put("type", "connect").put("token", token));
    assertThat(again.getString("code")).isEqualTo("bad_request");

    WsClient bad = gateway.ws(null);
    bad.send(new JsonObject().put("id", 1).put("type", "connect").put("token", "garbage"));
    assertThat(bad.awaitClose()).isEqualTo((short) 1008);
  }

  @Test
  void connected_comes_before_any_other_server_message_and_the_token_channels_are_subscribed() {
    String token = TOKENS.hs256(TestTokens.withChannels(TestTokens.claims("carol", 300), "news:granted", "user:team"));
    WsClient ws = gateway.ws("token=" + token);
    ws.await(f -> "subscribed".equals(f.getString("type")) && "user:team".equals(f.getString("channel")));
    ws.await(f -> "subscribed".equals(f.getString("type")) && "news:granted".equals(f.getString("channel")));
    List<JsonObject> frames = ws.frames(f -> true);
    assertThat(frames.get(0).getString("type")).isEqualTo("connected");
    // the grant opens another user's channel to this token, and only to it
    assertThat(gateway.sse("/sse?channel=user:team&token=" + token).status()).isEqualTo(200);
    assertThat(gateway.sse("/sse?channel=user:team&token=" + TOKENS.hs256(TestTokens.claims("carol", 300)))
        .status()).isEqualTo(403);
  }

  @Test
  void a_connection_refreshed_in_time_stays_and_one_not_refreshed_is_closed_at_its_expiry() {
    WsClient refreshing = gateway.ws("token=" + TOKENS.hs256(TestTokens.claims("dave", 3)));
    WsClient lapsing = gateway.ws("token=" + TOKENS.hs256(TestTokens.claims("erin", 3)));
    JsonObject notice = refreshing.await(f -> "refresh".equals(f.getString("type")));
    assertThat(notice.getLong("expiresAt")).isPositive();
    JsonObject refreshed = refreshing.request(new JsonObject().put("type", "refresh")
        .put("token", TOKENS.hs256(TestTokens.claims("dave", 300))));
    assertThat(refreshed.getString("type")).isEqualTo("refreshed");
    assertThat(refreshed.getLong("expiresAt")).isGreaterThan(notice.getLong("expiresAt"));
    JsonObject otherUser = refreshing.request(new JsonObject().put("type", "refresh")
        .put("token", TOKENS.hs256(TestTokens.claims("mallory", 300))));
    assertThat(otherUser.getString("code")).isEqualTo("forbidden");

    assertThat(lapsing.awaitClose()).isEqualTo((short) 1008);
    assertThat(refreshing.isClosed()).isFalse();
    assertThat(refreshing.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
  }

  @Test
  void an_sse_stream_ends_at_its_tokens_expiry_and_resumes_with_a_new_token_losing_nothing() {
    String channel = "chat:expiring";
    SseClient first = gateway.sse("/sse?channel=" + channel + "&token=" + TOKENS.hs256(TestTokens.claims("fay", 2)));
    first.await(e -> e.type().equals("subscribed"));
    String key = "Bearer " + TOKENS.hs256(TestTokens.claims("fay", 300));
    gateway.http().post("/publish", io.vertx.core.buffer.Buffer.buffer(new JsonObject().put("channel", channel)
        .put("data", 1).encode()), Map.of("Authorization", key, "Content-Type", "application/json"));
    first.awaitMessages(1);
    first.awaitEnd();
    for (int i = 2; i <= 3; i++) {
      gateway.http().post("/publish", io.vertx.core.buffer.Buffer.buffer(new JsonObject().put("channel", channel)
          .put("data", i).encode()), Map.of("Authorization", key, "Content-Type", "application/json"));
    }
    SseClient again = gateway.sse("/sse?channel=" + channel + "&token=" + TOKENS.hs256(TestTokens.claims("fay", 300)),
        Map.of("Last-Event-ID", first.lastId()));
    List<Integer> data = new ArrayList<>();
    again.awaitMessages(2).forEach(e -> data.add(e.json().getInteger("data")));
    assertThat(data).containsExactly(2, 3);
  }

  @Test
  void a_backend_publishes_with_an_api_key_and_its_message_carries_no_client_identity() {
    HttpCalls.Reply published = gateway.http().post("/publish", io.vertx.core.buffer.Buffer.buffer(new JsonObject()
        .put("channel", "news:backend").put("data", "x").encode()),
        Map.of("Authorization", "apikey " + API_KEY, "Content-Type", "application/json"));
    assertThat(published.status()).isEqualTo(200);
    assertThat(published.json().getLong("offset")).isPositive();
    HttpCalls.Reply refused = gateway.http().post("/publish", io.vertx.core.buffer.Buffer.buffer(new JsonObject()
        .put("channel", "news:backend").put("data", "x").encode()),
        Map.of("Authorization", "apikey not-the-key-0123456789abcdef", "Content-Type", "application/json"));
    assertThat(refused.status()).isEqualTo(401);
    assertThat(gateway.sse("/sse?channel=news:backend", Map.of("Authorization", "apikey " + API_KEY)).status())
        .as("API keys are for the HTTP API, not for client transports").isEqualTo(401);
  }

  @Test
  void a_node_with_its_own_secret_has_no_development_token_endpoint() {
    HttpCalls.Reply reply = gateway.http().get("/demo/token?user=alice");
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().getString("code")).isEqualTo("not_found");
    assertThat(reply.text()).doesNotContain("eyJ");
  }
}
