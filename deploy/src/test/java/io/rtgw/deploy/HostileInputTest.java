package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Input that used to be taken too kindly: each refused with its code and a sentence, or answered exactly. */
class HostileInputTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone();

  @Test
  void a_frame_or_body_with_something_after_its_json_object_is_refused_not_half_read() {
    WsClient ws = gateway.ws(null);
    ws.sendText("{\"id\":1,\"type\":\"ping\"} {\"id\":2,\"type\":\"ping\"}");
    JsonObject error = ws.await(f -> "error".equals(f.getString("type")));
    assertThat(error.getString("code")).isEqualTo("bad_request");
    assertThat(error.getString("message")).isEqualTo("The frame holds more than one JSON value; send one command per frame.");
    ws.sendText("{\"id\":3,\"type\":\"ping\"}garbage");
    assertThat(ws.await(f -> "error".equals(f.getString("type")) && ws.frames(x -> "error".equals(x.getString("type")))
        .size() == 2).getString("code")).isEqualTo("bad_request");
    assertThat(ws.request(new JsonObject().put("type", "ping")).getString("type")).as("still open").isEqualTo("pong");

    HttpCalls.Reply reply = gateway.http().post("/publish", Buffer.buffer("{\"channel\":\"chat:x\",\"data\":1}{\"a\":2}"),
        Map.of("Content-Type", "application/json"));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().getString("message")).isEqualTo("The body holds more than one JSON value; send one object.");
  }

  @Test
  void a_command_id_comes_back_as_it_was_sent() throws Exception {
    // read as text: a JSON library on the client would turn 1e999 into a double (Infinity) itself
    java.util.concurrent.LinkedBlockingQueue<String> texts = new java.util.concurrent.LinkedBlockingQueue<>();
    // held to the end: Vert.x closes a client that is no longer reachable, even mid-handshake
    io.vertx.core.http.WebSocketClient client = gateway.clients().createWebSocketClient();
    io.vertx.core.http.ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(texts::add);
    WsClient.await(ws.connect(gateway.port(), "127.0.0.1", "/ws"));
    ws.writeTextMessage("{\"id\":1e999,\"type\":\"ping\"}");
    ws.writeTextMessage("{\"id\":12345678901234567890123,\"type\":\"ping\"}");
    ws.writeTextMessage("{\"id\":\"text-id\",\"type\":\"ping\"}");
    String connected = texts.poll(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(connected).contains("\"type\":\"connected\"");
    String first = texts.poll(20, java.util.concurrent.TimeUnit.SECONDS);
    String second = texts.poll(20, java.util.concurrent.TimeUnit.SECONDS);
    String third = texts.poll(20, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(first).doesNotContain("Infinity").containsPattern("\"id\":1(\\.0+)?E\\+999");
    assertThat(second).contains("\"id\":12345678901234567890123");
    assertThat(third).contains("\"id\":\"text-id\"");
    WsClient.await(ws.close());
    WsClient.await(client.close());
  }

  @Test
  void an_endpoint_is_its_exact_path_without_a_trailing_slash() {
    for (String path : new String[] {"/sse/?channel=chat:x", "/publish/", "/poll/?channel=chat:x", "/health/"}) {
      HttpCalls.Reply reply = gateway.http().get(path);
      assertThat(reply.status()).as(path).isEqualTo(404);
      assertThat(reply.json().getString("code")).isEqualTo("not_found");
    }
    assertThat(gateway.http().get("/").status()).as("the demo page").isEqualTo(200);
  }

  @Test
  void a_poll_timeout_of_many_digits_is_capped_not_refused() {
    String cursor = gateway.http().get("/poll?channel=chat:timeout").json().getString("cursor");
    HttpCalls.Reply reply = gateway.http().get("/messages?channel=chat:timeout&cursor=" + cursor + "&timeout=99999999999");
    assertThat(reply.status()).isEqualTo(200);
  }
}
