package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-namespace access over real sockets: a namespace for authenticated users only, and one that needs a
 * grant (the connection token's channels claim, or a subscription token), each rule on WebSocket, SSE,
 * polls and the HTTP API.
 */
class PermissionsGatewayTest {

  private static final Vertx SIGNER = Vertx.vertx();
  private static final TestTokens TOKENS = new TestTokens(SIGNER);
  private static Gateway gateway;
  private static Vertx clients;
  private static HttpCalls http;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    JsonObject conf = new JsonObject(Files.readString(Path.of("../conf/standalone.json")));
    JsonObject access = new JsonObject().put("subscribe", "authenticated").put("publish", "authenticated")
        .put("history", "authenticated").put("presenceView", "authenticated");
    conf.getJsonObject("namespaces")
        .put("members", new JsonObject().put("presence", true).put("historySize", 100).put("access", access))
        .put("vip", new JsonObject().put("historySize", 100).put("access", new JsonObject()
            .put("subscribe", "grant").put("history", "grant").put("publish", "grant")));
    Path file = Files.createTempFile("rtgw-permissions", ".json");
    Files.writeString(file, conf.encode());
    Map<String, String> env = new HashMap<>();
    List<String> pairs = TOKENS.env();
    for (int i = 0; i < pairs.size(); i += 2) {
      env.put(pairs.get(i), pairs.get(i + 1));
    }
    env.putAll(Map.of("GATEWAY_AUTH_ANONYMOUS", "true", "GATEWAY_HTTP_HOST", "127.0.0.1", "GATEWAY_HTTP_PORT", "0",
        "GATEWAY_DEMO_TICKER", "false", "GATEWAY_HTTP_DRAIN_MS", "0"));
    GatewayConfig config = ConfigLoader.load(file.toString(), env);
    gateway = WsClient.await(Gateway.start(config));
    port = gateway.httpPort();
    clients = Vertx.vertx();
    http = new HttpCalls(port);
  }

  @AfterAll
  static void stop() {
    http.close();
    WsClient.await(clients.close());
    WsClient.await(gateway.stop());
    WsClient.await(SIGNER.close());
  }

  private static String token(String user, String... channels) {
    return TOKENS.hs256(TestTokens.withChannels(TestTokens.claims(user, 300), channels));
  }

  private static String grant(String user, String channel) {
    return TOKENS.hs256(TestTokens.claims(user, 300).put("channel", channel));
  }

  @Test
  void a_namespace_for_authenticated_users_refuses_anonymous_clients_everywhere() {
    try (WsClient anonymous = WsClient.connect(clients, port, null);
         WsClient member = WsClient.connect(clients, port, "token=" + token("ann"))) {
      JsonObject refused = anonymous.request(new JsonObject().put("type", "subscribe").put("channel", "members:room"));
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("message")).isEqualTo(
          "Only authenticated users may subscribe to channel 'members:room'; connect with a token.");
      assertThat(anonymous.publish("members:room", 1).getString("code")).isEqualTo("forbidden");
      assertThat(anonymous.request(new JsonObject().put("type", "history").put("channel", "members:room"))
          .getString("code")).isEqualTo("forbidden");
      assertThat(anonymous.request(new JsonObject().put("type", "presence").put("channel", "members:room"))
          .getString("code")).isEqualTo("forbidden");
      try (SseClient sse = SseClient.open(clients, port, "/sse?channel=members:room")) {
        assertThat(sse.status()).isEqualTo(403);
      }
      assertThat(http.get("/history?channel=members:room").status()).isEqualTo(403);
      assertThat(http.get("/poll?channel=members:room").status()).isEqualTo(403);

      assertThat(member.subscribe("members:room").getString("type")).isEqualTo("subscribed");
      assertThat(member.publish("members:room", "hello").getString("type")).isEqualTo("published");
      assertThat(member.awaitMessages("members:room", 1)).hasSize(1);
      assertThat(http.get("/history?channel=members:room", Map.of("Authorization", "Bearer " + token("ann")))
          .status()).isEqualTo(200);
    }
  }

  @Test
  void a_grant_namespace_needs_the_channels_claim_or_a_subscription_token() {
    try (WsClient plain = WsClient.connect(clients, port, "token=" + token("bea"));
         WsClient claimed = WsClient.connect(clients, port, "token=" + token("cid", "vip:lounge"))) {
      JsonObject refused = plain.request(new JsonObject().put("type", "subscribe").put("channel", "vip:lounge"));
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("message")).startsWith("To subscribe to channel 'vip:lounge' a grant is needed");

      JsonObject granted = plain.request(new JsonObject().put("type", "subscribe").put("channel", "vip:lounge")
          .put("token", grant("bea", "vip:lounge")));
      assertThat(granted.getString("type")).isEqualTo("subscribed");
      JsonObject otherChannel = plain.request(new JsonObject().put("type", "subscribe").put("channel", "vip:other")
          .put("token", grant("bea", "vip:lounge")));
      assertThat(otherChannel.getString("message")).isEqualTo(
          "The subscription token is for channel 'vip:lounge', not 'vip:other'.");
      JsonObject otherUser = plain.request(new JsonObject().put("type", "subscribe").put("channel", "vip:other")
          .put("token", grant("zed", "vip:other")));
      assertThat(otherUser.getString("code")).isEqualTo("forbidden");
      JsonObject forged = plain.request(new JsonObject().put("type", "subscribe").put("channel", "vip:other")
          .put("token", "garbage"));
      assertThat(forged.getString("code")).isEqualTo("unauthorized");

      // the connection token's channels claim subscribed it at connect, and lets it publish there
      claimed.await(f -> "subscribed".equals(f.getString("type")) && "vip:lounge".equals(f.getString("channel")));
      assertThat(claimed.publish("vip:lounge", "x").getString("type")).isEqualTo("published");
      assertThat(plain.publish("vip:lounge", "y").getString("code")).as("a subscription grant is for reading")
          .isEqualTo("forbidden");

      try (SseClient sse = SseClient.open(clients, port, "/sse?channel=vip:lounge&token=" + token("bea")
          + "&channel_token=" + grant("bea", "vip:lounge"))) {
        assertThat(sse.status()).isEqualTo(200);
      }
      try (SseClient sse = SseClient.open(clients, port, "/sse?channel=vip:lounge&token=" + token("bea"))) {
        assertThat(sse.status()).isEqualTo(403);
      }
    }
  }
}
