package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The WebSocket transport end to end, over real sockets, on one standalone gateway. */
class WebSocketGatewayTest extends DeliveryGuaranteesContract {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_NAMESPACES_NEWS_CLIENT_PUBLISH", "false");

  @Override
  protected WsClient connect(String query) {
    return gateway.ws(query);
  }

  @Test
  void a_subscriber_receives_what_another_client_publishes_until_it_unsubscribes() {
    try (WsClient alice = connect("user=alice"); WsClient bob = connect("user=bob")) {
      JsonObject sub = alice.subscribe("chat:basic");
      assertThat(sub.getString("type")).isEqualTo("subscribed");
      assertThat(sub.getBoolean("recovered")).isTrue();
      long start = sub.getLong("offset");

      JsonObject pub = bob.publish("chat:basic", new JsonObject().put("text", "hi"));
      assertThat(pub.getString("type")).isEqualTo("published");
      assertThat(pub.getLong("offset")).isEqualTo(start + 1);
      assertThat(pub.getString("epoch")).isEqualTo(sub.getString("epoch"));

      JsonObject msg = alice.awaitMessages("chat:basic", 1).get(0);
      assertThat(msg.getJsonObject("data")).isEqualTo(new JsonObject().put("text", "hi"));
      assertThat(msg.getString("from")).isEqualTo("bob");
      assertThat(msg.getLong("offset")).isEqualTo(start + 1);
      assertThat(msg.getLong("ts")).isPositive();

      JsonObject unsub = alice.request(new JsonObject().put("type", "unsubscribe").put("channel", "chat:basic"));
      assertThat(unsub.getString("type")).isEqualTo("unsubscribed");
      bob.publish("chat:basic", "after");
      // a ping round trip after the publish shows nothing more arrived for the channel
      assertThat(alice.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
      assertThat(alice.messages("chat:basic")).hasSize(1);
    }
  }

  @Test
  void any_json_value_is_passed_through_untouched() {
    try (WsClient c = connect(null)) {
      c.subscribe("feed:values");
      Object[] values = {42, "text", true, new io.vertx.core.json.JsonArray().add(1).add("x"),
          new JsonObject().put("deep", new JsonObject().put("n", 1.5))};
      for (Object v : values) {
        c.publish("feed:values", v);
      }
      List<JsonObject> got = c.awaitMessages("feed:values", values.length);
      for (int i = 0; i < values.length; i++) {
        assertThat(got.get(i).getValue("data")).isEqualTo(values[i]);
        assertThat(got.get(i).containsKey("from")).isFalse();
      }
    }
  }

  @Test
  void every_error_gets_its_code_and_the_connection_stays_open() {
    try (WsClient c = connect("user=eve")) {
      c.sendText("{not json");
      JsonObject badJson = c.await(f -> "error".equals(f.getString("type")));
      assertThat(badJson.getString("code")).isEqualTo("bad_request");
      assertThat(badJson.getString("message")).isNotBlank();

      assertError(c.request(new JsonObject().put("type", "dance")), "bad_request");
      assertError(c.request(new JsonObject().put("type", "subscribe").put("channel", "bad channel!")), "bad_request");
      assertError(c.request(new JsonObject().put("type", "subscribe").put("channel", "x".repeat(161))), "bad_request");
      assertError(c.request(new JsonObject().put("type", "subscribe")), "bad_request");
      assertError(c.request(new JsonObject().put("type", "publish").put("channel", "chat:x")), "bad_request");
      assertError(c.request(new JsonObject().put("type", "subscribe").put("channel", "chat:x")
          .put("since", "yesterday")), "bad_request");
      assertError(c.request(new JsonObject().put("type", "subscribe").put("channel", "nowhere:x")), "bad_request");
      assertError(c.publish("chat:big", "x".repeat(70_000)), "too_large");
      assertError(c.publish("news:headlines", "clients may not"), "forbidden");
      assertError(c.subscribe("user:mallory"), "forbidden");
      assertError(c.request(new JsonObject().put("type", "history").put("channel", "user:mallory")), "forbidden");

      assertThat(c.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
      assertThat(c.isClosed()).isFalse();
    }
  }

  @Test
  void a_frame_above_the_frame_limit_closes_with_1009() {
    try (WsClient c = connect(null)) {
      c.sendText("{\"type\":\"publish\",\"channel\":\"chat:x\",\"data\":\"" + "y".repeat(1_100_000) + "\"}");
      assertThat(c.awaitClose()).isEqualTo((short) 1009);
    }
  }

  @Test
  void a_string_id_is_echoed() {
    try (WsClient c = connect(null)) {
      c.send(new JsonObject().put("id", "abc").put("type", "ping"));
      assertThat(c.await(f -> "abc".equals(f.getValue("id"))).getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void two_hundred_subscribers_each_get_a_hundred_messages_in_order() {
    String channel = "chat:crowd";
    List<WsClient> subs = new ArrayList<>();
    try (WsClient publisher = connect(null)) {
      long start = -1;
      for (int i = 0; i < 200; i++) {
        WsClient c = connect(null);
        subs.add(c);
        start = c.subscribe(channel).getLong("offset");
      }
      for (int i = 0; i < 100; i++) {
        publisher.send(new JsonObject().put("type", "publish").put("channel", channel).put("data", i));
      }
      for (WsClient c : subs) {
        assertThat(Offsets.of(c.awaitMessages(channel, 100))).containsExactlyElementsOf(Offsets.range(start + 1, start + 100));
      }
    } finally {
      subs.forEach(WsClient::close);
    }
  }

  @Test
  void a_service_publishes_through_the_event_bus() {
    try (WsClient c = connect(null)) {
      JsonObject sub = c.subscribe("feed:svc");
      JsonObject reply = WsClient.await(gateway.vertx().eventBus().<JsonObject>request(Addresses.PUBLISH,
          new JsonObject().put("channel", "feed:svc").put("data", new JsonObject().put("price", 9)).put("from", "svc-x")))
          .body();
      assertThat(reply.getLong("offset")).isEqualTo(sub.getLong("offset") + 1);
      JsonObject msg = c.awaitMessages("feed:svc", 1).get(0);
      assertThat(msg.getString("from")).isEqualTo("svc-x");
      assertThat(msg.getJsonObject("data").getInteger("price")).isEqualTo(9);
    }
  }

  @Test
  void a_bad_service_publish_fails_with_the_protocol_code() {
    var failure = gateway.vertx().eventBus().request(Addresses.PUBLISH, new JsonObject().put("channel", "bad name"))
        .toCompletionStage().toCompletableFuture();
    assertThat(failure).failsWithin(WsClient.TIMEOUT).withThrowableThat()
        .havingCause().isInstanceOf(io.vertx.core.eventbus.ReplyException.class)
        .satisfies(e -> assertThat(((io.vertx.core.eventbus.ReplyException) e).failureCode()).isEqualTo(400));
  }

  @Test
  void the_demo_page_and_health_are_served() {
    HttpCalls http = gateway.http();
    String page = http.get("/").text();
    assertThat(page).contains("import { connect } from './realtime.js'");
    assertThat(http.get("/realtime.js").text()).contains("export function connect(");
    JsonObject health = http.get("/health").json();
    assertThat(health.getString("status")).isEqualTo("UP");
    HttpCalls.Reply missing = http.get("/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getString("code")).isEqualTo("not_found");
  }

  private static void assertError(JsonObject reply, String code) {
    assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("error");
    assertThat(reply.getString("code")).as(reply.encode()).isEqualTo(code);
    assertThat(reply.getString("message")).isNotBlank();
  }
}
