package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The development token endpoint on the standalone configuration, which ships the public development
 * secret: {@code GET /demo/token?user=NAME} signs a short-lived token that the gateway accepts on every
 * transport as NAME. A node with any other secret has no such route ({@code AuthGatewayTest}).
 */
class DemoTokenTest {

  private static final long TTL_SECONDS = 45;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_DEMO_TOKEN_TTL_SECONDS",
      String.valueOf(TTL_SECONDS));

  private static JsonObject payload(String token) {
    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
  }

  @Test
  void a_token_for_a_name_signs_that_user_in_with_the_configured_lifetime() {
    long before = System.currentTimeMillis() / 1000;
    HttpCalls.Reply reply = gateway.http().get("/demo/token?user=alice");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("Cache-Control")).isEqualTo("no-store");
    JsonObject body = reply.json();
    String token = body.getString("token");
    assertThat(body.getString("user")).isEqualTo("alice");
    JsonObject claims = payload(token);
    assertThat(claims.getString("sub")).isEqualTo("alice");
    assertThat(claims.getLong("exp")).isBetween(before + TTL_SECONDS, System.currentTimeMillis() / 1000 + TTL_SECONDS);
    assertThat(body.getLong("expiresAt")).isEqualTo(claims.getLong("exp") * 1000);

    try (WsClient ws = gateway.ws("token=" + token)) {
      JsonObject connected = ws.await(f -> "connected".equals(f.getString("type")));
      assertThat(connected.getString("user")).isEqualTo("alice");
      assertThat(connected.getLong("expiresAt")).isEqualTo(claims.getLong("exp") * 1000);
    }
    HttpCalls.Reply published = gateway.http().post("/publish",
        new JsonObject().put("channel", "chat:demo-token").put("data", new JsonObject().put("n", 1)).toBuffer(),
        Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"));
    assertThat(published.status()).as(published.text()).isEqualTo(200);
    JsonObject stored = gateway.http().get("/history?channel=chat:demo-token").json().getJsonArray("messages")
        .getJsonObject(0);
    assertThat(stored.getString("from")).isEqualTo("alice");
  }

  @Test
  void a_missing_user_is_a_bad_request_with_a_sentence() {
    for (String uri : new String[] {"/demo/token", "/demo/token?user="}) {
      HttpCalls.Reply reply = gateway.http().get(uri);
      assertThat(reply.status()).as(uri).isEqualTo(400);
      assertThat(reply.json().getString("code")).isEqualTo("bad_request");
      assertThat(reply.json().getString("message")).isEqualTo(
          "GET /demo/token needs a user parameter: the name the token is for.");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"two%20words", "caf%C3%A9", "a%2Bb", "%3Cscript%3E"})
  void a_name_that_is_no_user_id_is_a_bad_request_with_a_sentence(String user) {
    HttpCalls.Reply reply = gateway.http().get("/demo/token?user=" + user);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getString("code")).isEqualTo("bad_request");
    assertThat(reply.json().getString("message")).startsWith("A user id is 1 to 128 characters");
  }

  @Test
  void a_name_longer_than_a_user_id_is_a_bad_request() {
    HttpCalls.Reply reply = gateway.http().get("/demo/token?user=" + "a".repeat(129));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getString("code")).isEqualTo("bad_request");
  }

  @Test
  void the_user_parameter_still_identifies_a_client_in_development_mode() {
    try (WsClient ws = gateway.ws("user=ursula")) {
      JsonObject connected = ws.await(f -> "connected".equals(f.getString("type")));
      assertThat(connected.getString("user")).isEqualTo("ursula");
      assertThat(connected.containsKey("expiresAt")).isFalse();
    }
  }
}
