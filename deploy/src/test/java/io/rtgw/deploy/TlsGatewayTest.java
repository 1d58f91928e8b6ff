package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.ClientContext;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS from {@code http.tls}, with a certificate the test makes: HTTP/2 by ALPN multiplexes many SSE streams
 * over one TCP connection and each gets every message intact; SSE over TLS with HTTP/1.1 too (so the
 * pre-framed HTTP/1.1 chunk path, which writes below the TLS layer's encoder, is not taken: a chunk written
 * there would be lost or garble the stream); {@code wss://}; long polling over HTTP/2; h2c when enabled.
 */
class TlsGatewayTest {

  private static final TestCertificates CERTS = TestCertificates.make();
  private static final int STREAMS = 20;
  private static final int MESSAGES = 10;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_HTTP_TLS_CERT_PATH", CERTS.cert().toString(),
      "GATEWAY_HTTP_TLS_KEY_PATH", CERTS.key().toString());

  private static Vertx clients;
  private static final AtomicInteger h2Connections = new AtomicInteger();
  private static HttpClientAgent h2;
  private static HttpClientAgent h1;

  @BeforeAll
  static void clients() {
    clients = gateway.clients();
    h2 = clients.httpClientBuilder()
        .with(tls().setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true))
        .with(new PoolOptions().setHttp2MaxSize(1))
        .withConnectHandler(c -> h2Connections.incrementAndGet())
        .build();
    h1 = clients.httpClientBuilder().with(tls().setProtocolVersion(HttpVersion.HTTP_1_1)).build();
  }

  @AfterAll
  static void close() {
    WsClient.await(Future.join(h2.close(), h1.close()));
  }

  private static HttpClientOptions tls() {
    return new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
        .setDefaultHost("127.0.0.1").setDefaultPort(gateway.port());
  }

  @Test
  void twenty_sse_streams_share_one_http2_connection_and_each_gets_every_message_intact() {
    String channel = "news:h2-streams";
    List<SseClient> streams = new ArrayList<>();
    try {
      for (int i = 0; i < STREAMS; i++) {
        SseClient sse = SseClient.open(clients, h2, new RequestOptions().setURI("/sse?channel=" + channel));
        streams.add(sse);
        assertThat(sse.version()).isEqualTo(HttpVersion.HTTP_2);
        sse.await(e -> e.type().equals("subscribed"));
      }
      Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
      streams.forEach(s -> connections.add(s.connection()));
      assertThat(connections).as("TCP connections the streams run over").hasSize(1);
      assertThat(h2Connections.get()).as("connections the client opened").isEqualTo(1);

      List<Object> sent = publishAll(h2, channel);
      for (SseClient sse : streams) {
        assertThat(dataOf(sse.awaitMessages(MESSAGES))).isEqualTo(sent);
      }
      assertThat(h2Connections.get()).as("publishes went over the same connection").isEqualTo(1);
      assertThat(send(h2, HttpMethod.GET, "/health/ready", null).getString("status")).isEqualTo("UP");
      // HEAD over HTTP/2: status and headers, no body (a body would be a protocol error)
      for (String probe : List.of("/health/ready", "/health/live")) {
        Buffer head = WsClient.await(ClientContext.on(clients,
            () -> h2.request(new RequestOptions().setMethod(HttpMethod.HEAD).setURI(probe))
                .compose(r -> r.send())
                .compose(r -> {
                  assertThat(r.statusCode()).as("HEAD " + probe).isEqualTo(200);
                  return r.body();
                })));
        assertThat(head.length()).as("HEAD " + probe + " body").isZero();
      }
    } finally {
      streams.forEach(SseClient::close);
    }
  }

  @Test
  void sse_over_tls_with_http1_gets_every_message_intact() {
    String channel = "news:h1-tls";
    try (SseClient sse = SseClient.open(clients, h1, new RequestOptions().setURI("/sse?channel=" + channel))) {
      assertThat(sse.version()).isEqualTo(HttpVersion.HTTP_1_1);
      assertThat(sse.connection().isSsl()).isTrue();
      sse.await(e -> e.type().equals("subscribed"));
      List<Object> sent = publishAll(h1, channel);
      assertThat(dataOf(sse.awaitMessages(MESSAGES))).isEqualTo(sent);
    }
  }

  @Test
  void websocket_over_tls_works() {
    WebSocketClientOptions wss = new WebSocketClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false);
    try (WsClient alice = WsClient.connect(clients, wss, gateway.port(), "user=alice");
         WsClient bob = WsClient.connect(clients, wss, gateway.port(), "user=bob")) {
      alice.subscribe("chat:wss");
      bob.publish("chat:wss", new JsonObject().put("text", "über TLS"));
      JsonObject got = alice.awaitMessages("chat:wss", 1).get(0);
      assertThat(got.getJsonObject("data").getString("text")).isEqualTo("über TLS");
      assertThat(got.getString("from")).isEqualTo("bob");
    }
  }

  @Test
  void a_long_poll_over_http2_is_held_and_answered_with_the_message() {
    String channel = "news:h2-poll";
    String cursor = send(h2, HttpMethod.GET, "/poll?channel=" + channel, null).getString("cursor");
    Future<JsonObject> held = ClientContext.on(clients,
        () -> h2.request(new RequestOptions().setURI("/poll?channel=" + channel + "&cursor=" + cursor))
            .compose(r -> r.send())
            .compose(r -> {
              assertThat(r.version()).isEqualTo(HttpVersion.HTTP_2);
              assertThat(r.statusCode()).isEqualTo(200);
              return r.body();
            })
            .map(Buffer::toJsonObject));
    send(h2, HttpMethod.POST, "/publish", new JsonObject().put("channel", channel).put("data", "held"));
    JsonObject reply = WsClient.await(held);
    assertThat(reply.getJsonArray("messages")).hasSize(1);
    assertThat(reply.getJsonArray("messages").getJsonObject(0).getString("data")).isEqualTo("held");
  }

  @Test
  void h2c_serves_http2_over_cleartext_when_enabled() {
    Gateway plain = TestGateways.start("GATEWAY_HTTP_H2C", "true");
    HttpClientAgent h2c = clients.httpClientBuilder().with(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)
        .setDefaultHost("127.0.0.1").setDefaultPort(plain.httpPort())).build();
    try (SseClient sse = SseClient.open(clients, h2c, new RequestOptions().setURI("/sse?channel=news:h2c"))) {
      assertThat(sse.version()).isEqualTo(HttpVersion.HTTP_2);
      sse.await(e -> e.type().equals("subscribed"));
      List<Object> sent = publishAll(h2c, "news:h2c");
      assertThat(dataOf(sse.awaitMessages(MESSAGES))).isEqualTo(sent);
    } finally {
      WsClient.await(h2c.close());
      WsClient.await(plain.stop());
    }
  }

  /** Small and large payloads, multi-byte text among them, so a frame or chunk boundary falls mid-message. */
  private static List<Object> publishAll(HttpClientAgent client, String channel) {
    List<Object> sent = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      Object data = i % 3 == 0 ? "ünïcode ✓ " + "x".repeat(i * 3_000) : new JsonObject().put("n", i);
      send(client, HttpMethod.POST, "/publish", new JsonObject().put("channel", channel).put("data", data));
      sent.add(data);
    }
    return sent;
  }

  private static List<Object> dataOf(List<SseClient.Event> events) {
    List<Object> out = new ArrayList<>();
    events.forEach(e -> out.add(e.json().getValue("data")));
    return out;
  }

  private static JsonObject send(HttpClientAgent client, HttpMethod method, String uri, JsonObject body) {
    // from the client context, so the body's handlers are set in the task that delivers the head
    return WsClient.await(ClientContext.on(clients, () -> client.request(new RequestOptions().setMethod(method)
            .setURI(uri).putHeader("Content-Type", "application/json"))
        .compose(r -> body == null ? r.send() : r.send(body.toBuffer()))
        .compose(r -> r.body().map(b -> {
          assertThat(r.statusCode()).as(method + " " + uri + ": " + b).isEqualTo(200);
          return b.toJsonObject();
        }))));
  }

}
