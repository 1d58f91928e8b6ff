package io.rtgw.deploy;

import static io.rtgw.deploy.SseGatewayTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CORS allow-list: a gateway that names one origin, and the standalone one that allows any. */
class CorsGatewayTest {

  private static final String APP = "https://app.example.com";

  @RegisterExtension
  static final GatewayExtension listed = GatewayExtension.standalone("GATEWAY_HTTP_ALLOWED_ORIGINS", APP);
  @RegisterExtension
  static final GatewayExtension standalone = GatewayExtension.standalone();
  private static final HttpCalls http = listed.http();
  private static final HttpCalls open = standalone.http();

  @org.junit.jupiter.params.ParameterizedTest(name = "Origin {0}: {1}")
  @org.junit.jupiter.params.provider.CsvSource({
      "https://app.example.com, 101",
      "HTTPS://APP.EXAMPLE.COM, 101",
      "https://evil.example, 403",
      "null, 403",
      "https://app.example.com.evil.example, 403",
      "http://app.example.com, 403",
      "https://app.example.com:8443, 403"})
  void a_websocket_upgrade_from_an_origin_not_listed_is_refused_before_it_is_made(String origin, int expected) {
    // held to the end: Vert.x closes a client that is no longer reachable, even mid-handshake
    io.vertx.core.http.WebSocketClient client = listed.clients().createWebSocketClient();
    var connecting = client.connect(new io.vertx.core.http.WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(listed.port()).setURI("/ws").addHeader("Origin", origin))
        .toCompletionStage().toCompletableFuture();
    if (expected == 101) {
      io.vertx.core.http.WebSocket ws = io.rtgw.testkit.WsClient.await(connecting);
      io.rtgw.testkit.WsClient.await(ws.close());
    } else {
      assertThat(connecting).failsWithin(io.rtgw.testkit.WsClient.TIMEOUT).withThrowableThat().havingCause()
          .isInstanceOf(io.vertx.core.http.UpgradeRejectedException.class)
          .satisfies(e -> assertThat(((io.vertx.core.http.UpgradeRejectedException) e).getStatus()).isEqualTo(expected));
    }
    io.rtgw.testkit.WsClient.await(client.close());
  }

  @Test
  void a_websocket_without_origin_is_no_browser_and_needs_no_allow_list() {
    io.vertx.core.http.WebSocketClient client = listed.clients().createWebSocketClient();
    io.vertx.core.http.WebSocket ws = io.rtgw.testkit.WsClient.await(client.connect(listed.port(), "127.0.0.1", "/ws"));
    io.rtgw.testkit.WsClient.await(ws.close());
    io.rtgw.testkit.WsClient.await(client.close());
  }

  @Test
  void the_browser_client_module_can_be_imported_from_an_allowed_origin() {
    HttpCalls.Reply reply = http.get("/realtime.js", Map.of("Origin", APP));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("Access-Control-Allow-Origin")).isEqualTo(APP);
  }

  @Test
  void an_allowed_origin_gets_its_origin_back_and_vary() {
    HttpCalls.Reply reply = http.get("/messages?channel=chat:cors", Map.of("Origin", APP));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(reply.headers().getAll("Vary")).anyMatch(v -> v.contains("Origin"));
  }

  @Test
  void an_origin_not_listed_is_forbidden() {
    HttpCalls.Reply reply = http.get("/messages?channel=chat:cors", Map.of("Origin", "https://evil.example"));
    assertError(reply, 403, "forbidden");
    assertThat(reply.headers().get("Access-Control-Allow-Origin")).isNull();
    assertError(http.post("/publish", Buffer.buffer("{\"channel\":\"chat:cors\",\"data\":1}"),
        Map.of("Origin", "https://evil.example", "Content-Type", "text/plain")), 403, "forbidden");
  }

  @Test
  void a_preflight_for_publish_names_the_method_and_headers() {
    HttpCalls.Reply reply = http.request(HttpMethod.OPTIONS, "/publish", Map.of("Origin", APP,
        "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"));
    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.headers().get("Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(reply.headers().get("Access-Control-Allow-Methods")).contains("POST");
    assertThat(reply.headers().get("Access-Control-Allow-Headers").toLowerCase()).contains("content-type");
    assertThat(reply.headers().getAll("Vary")).anyMatch(v -> v.contains("Origin"));

    assertError(http.request(HttpMethod.OPTIONS, "/publish", Map.of("Origin", "https://evil.example",
        "Access-Control-Request-Method", "POST")), 403, "forbidden");
  }

  @Test
  void requests_without_origin_and_same_origin_posts_need_no_allow_list() {
    HttpCalls.Reply plain = http.get("/messages?channel=chat:cors");
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.headers().get("Access-Control-Allow-Origin")).isNull();
    assertThat(plain.headers().getAll("Vary")).anyMatch(v -> v.contains("Origin"));
    String self = "http://127.0.0.1:" + listed.port();
    assertThat(http.post("/publish", Buffer.buffer("{\"channel\":\"chat:cors\",\"data\":1}"),
        Map.of("Origin", self, "Content-Type", "application/json")).status()).isEqualTo(200);
  }

  @Test
  void the_standalone_configuration_allows_any_origin() {
    HttpCalls.Reply reply = open.get("/messages?channel=chat:cors", Map.of("Origin", "https://anything.example"));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("Access-Control-Allow-Origin")).isEqualTo("https://anything.example");
  }
}
