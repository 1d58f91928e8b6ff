package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lifecycle events and the control API on one gateway (memory registry): the application is a consumer
 * on the gateway's bus, clients are real WebSockets and SSE streams.
 */
class LifecycleEventsTest {

  static final String API_KEY = "control-test-key-0123456789abcdef";

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_EVENTS_ENABLED", "true",
      "GATEWAY_EVENTS_BATCH_MS", "20",
      "GATEWAY_EVENTS_NAMESPACES", "chat,feed",
      "GATEWAY_CONTROL_ENABLED", "true",
      "GATEWAY_AUTH_API_KEYS", API_KEY,
      "GATEWAY_WEBSOCKET_OUTBOUND_QUEUE_BYTES", "65536");

  private static LifecycleLog log;

  @BeforeAll
  static void listen() {
    log = new LifecycleLog(gateway.vertx());
  }

  @AfterAll
  static void stopListening() {
    log.close();
  }

  @Test
  void a_normal_close_gives_connected_then_disconnected_with_the_reason_and_close_code() {
    String user = "u-" + UUID.randomUUID().toString().substring(0, 8);
    String client;
    try (WsClient ws = gateway.ws("user=" + user)) {
      client = ws.await(f -> "connected".equals(f.getString("type"))).getString("client");
      JsonObject connected = log.await("connected", "client", client);
      assertThat(connected.getString("user")).isEqualTo(user);
      assertThat(connected.getString("transport")).isEqualTo("ws");
      assertThat(connected.getString("node")).isNotBlank();
      assertThat(connected.getLong("ts")).isPositive();
    }
    JsonObject gone = log.await("disconnected", "client", client);
    assertThat(gone.getString("user")).isEqualTo(user);
    assertThat(gone.getString("reason")).isEqualTo("client closed");
    assertThat(gone.getInteger("code")).isEqualTo(1000);
    assertThat(log.of("disconnected", "client", client)).hasSize(1);
  }

  @Test
  void an_sse_stream_is_a_connection_too() throws Exception {
    try (var sse = gateway.sse("/sse?channel=feed:sse-life&user=streamer")) {
      JsonObject connected = log.await("connected", "user", "streamer");
      assertThat(connected.getString("transport")).isEqualTo("sse");
      log.await("subscribed", "client", connected.getString("client"));
      sse.close();
      JsonObject gone = log.await("disconnected", "client", connected.getString("client"));
      assertThat(gone.getString("reason")).isEqualTo("client closed");
      assertThat(gone.getValue("code")).isNull();
    }
  }

  @Test
  void a_slow_consumer_close_gives_disconnected_with_slow_consumer_and_4000() {
    String channel = "feed:slow-" + UUID.randomUUID().toString().substring(0, 6);
    String payload = "x".repeat(10_000);
    try (WsClient stalled = gateway.ws("user=stalled")) {
      String client = stalled.await(f -> "connected".equals(f.getString("type"))).getString("client");
      stalled.subscribe(channel);
      stalled.socket().pause();
      for (int i = 0; i < 5000 && log.of("disconnected", "client", client).isEmpty(); i++) {
        WsClient.await(gateway.vertx().eventBus().request(Addresses.PUBLISH,
            new JsonObject().put("channel", channel).put("data", payload).put("from", "firehose")));
      }
      JsonObject gone = log.await("disconnected", "client", client);
      assertThat(gone.getString("reason")).isEqualTo("slow consumer");
      assertThat(gone.getInteger("code")).isEqualTo(4000);
      stalled.socket().resume();
    }
  }

  @Test
  void subscribed_unsubscribed_occupied_and_vacated_follow_the_channel_and_the_namespaces() {
    String channel = "chat:room-" + UUID.randomUUID().toString().substring(0, 6);
    try (WsClient a = gateway.ws("user=ann"); WsClient b = gateway.ws("user=ben")) {
      a.subscribe(channel);
      log.await("occupied", "channel", channel);
      b.subscribe(channel);
      eventually(Duration.ofSeconds(10), () -> assertThat(log.of("subscribed", "channel", channel)).hasSize(2));
      a.request(new JsonObject().put("type", "unsubscribe").put("channel", channel));
      log.await("unsubscribed", "user", "ann");
      b.request(new JsonObject().put("type", "unsubscribe").put("channel", channel));
      log.await("vacated", "channel", channel);
      assertThat(log.of("occupied", "channel", channel)).hasSize(1);
      assertThat(log.of("vacated", "channel", channel)).hasSize(1);
      JsonObject sub = log.of("subscribed", "channel", channel).get(0);
      assertThat(sub.getString("user")).isEqualTo("ann");
      assertThat(sub.getString("client")).isNotBlank();

      // news is not among events.namespaces: its connections are told of, its channels are not
      a.subscribe("news:quiet");
      a.request(new JsonObject().put("type", "unsubscribe").put("channel", "news:quiet"));
      b.subscribe("chat:marker-" + channel.substring(10));
      log.await("occupied", "channel", "chat:marker-" + channel.substring(10));
      assertThat(log.all(e -> "news:quiet".equals(e.getString("channel")))).isEmpty();
    }
  }

  @Test
  void control_lists_counts_subscribes_unsubscribes_and_disconnects_a_user() {
    String user = "ctl-" + UUID.randomUUID().toString().substring(0, 6);
    String channel = "chat:ctl-" + user;
    try (WsClient one = gateway.ws("user=" + user); WsClient two = gateway.ws("user=" + user);
         WsClient other = gateway.ws("user=bystander")) {
      String c1 = one.await(f -> "connected".equals(f.getString("type"))).getString("client");
      String c2 = two.await(f -> "connected".equals(f.getString("type"))).getString("client");
      eventually(Duration.ofSeconds(10), () -> assertThat(clients(control(new JsonObject().put("op", "connections")
          .put("user", user)))).containsExactlyInAnyOrder(c1, c2));
      JsonObject listed = control(new JsonObject().put("op", "connections").put("user", user))
          .getJsonArray("connections").getJsonObject(0);
      assertThat(listed.getString("transport")).isEqualTo("ws");
      assertThat(listed.getString("node")).isEqualTo(gateway.nodeId() == null ? listed.getString("node") : gateway.nodeId());
      assertThat(listed.getLong("since")).isPositive();

      // server-side subscription: both connections get the normal subscribed frame, then the messages
      assertThat(control(new JsonObject().put("op", "subscribe").put("user", user).put("channel", channel))
          .getInteger("connections")).isEqualTo(2);
      one.await(f -> "subscribed".equals(f.getString("type")) && channel.equals(f.getString("channel")));
      two.await(f -> "subscribed".equals(f.getString("type")) && channel.equals(f.getString("channel")));
      other.subscribe(channel);
      other.publish(channel, new JsonObject().put("text", "hello"));
      assertThat(one.awaitMessages(channel, 1)).hasSize(1);
      assertThat(two.awaitMessages(channel, 1)).hasSize(1);

      eventually(Duration.ofSeconds(10), () -> assertThat(control(new JsonObject().put("op", "count")
          .put("channel", channel))).isEqualTo(new JsonObject().put("connections", 3).put("subscribers", 2)));

      assertThat(control(new JsonObject().put("op", "unsubscribe").put("user", user).put("channel", channel))
          .getInteger("connections")).isEqualTo(2);
      one.await(f -> "unsubscribed".equals(f.getString("type")) && channel.equals(f.getString("channel")));
      eventually(Duration.ofSeconds(10), () -> assertThat(control(new JsonObject().put("op", "count")
          .put("channel", channel))).isEqualTo(new JsonObject().put("connections", 1).put("subscribers", 1)));

      JsonObject answer = control(new JsonObject().put("op", "disconnect").put("user", user).put("code", 4100)
          .put("reconnect", false));
      assertThat(answer.getInteger("disconnected")).isEqualTo(2);
      JsonObject told = one.await(f -> "disconnect".equals(f.getString("type")));
      assertThat(told.getBoolean("reconnect")).isFalse();
      assertThat(one.awaitClose()).isEqualTo((short) 4100);
      assertThat(two.awaitClose()).isEqualTo((short) 4100);
      JsonObject gone = log.await("disconnected", "client", c1);
      assertThat(gone.getString("reason")).isEqualTo("disconnected by the application");
      assertThat(gone.getInteger("code")).isEqualTo(4100);
      assertThat(other.isClosed()).isFalse();
    }
  }

  @Test
  void control_refuses_bad_requests_with_the_protocol_code_and_a_sentence() {
    Scrape before = Scrape.of(gateway.http(), "/metrics");
    ReplyException e = failure(new JsonObject().put("op", "explode"));
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("'op' must be one of");
    assertThat(failure(new JsonObject().put("op", "disconnect")).getMessage()).contains("exactly one of 'user' and 'client'");
    assertThat(failure(new JsonObject().put("op", "disconnect").put("user", "x").put("code", 1006)).getMessage())
        .contains("4000 to 4999");
    assertThat(failure(new JsonObject().put("op", "subscribe").put("user", "x").put("channel", "nowhere:x")).getMessage())
        .contains("Unknown namespace");
    Scrape after = Scrape.of(gateway.http(), "/metrics");
    assertThat(after.since(before, "rtgw_control_requests_total{op=\"unknown\",result=\"refused\"}")).isEqualTo(1);
    assertThat(after.since(before, "rtgw_control_requests_total{op=\"disconnect\",result=\"refused\"}")).isEqualTo(2);
    assertThat(after.since(before, "rtgw_control_requests_total{op=\"subscribe\",result=\"refused\"}")).isEqualTo(1);
  }

  @Test
  void every_event_published_is_counted_by_type() {
    Scrape before = Scrape.of(gateway.http(), "/metrics");
    String client;
    try (WsClient ws = gateway.ws("user=counted")) {
      client = ws.await(f -> "connected".equals(f.getString("type"))).getString("client");
    }
    log.await("disconnected", "client", client);
    Scrape after = Scrape.of(gateway.http(), "/metrics");
    assertThat(after.since(before, "rtgw_lifecycle_events_total{type=\"connected\"}")).isEqualTo(1);
    assertThat(after.since(before, "rtgw_lifecycle_events_total{type=\"disconnected\"}")).isEqualTo(1);
  }

  @Test
  void post_control_needs_an_api_key_and_answers_like_the_bus() {
    HttpCalls http = gateway.http();
    Buffer body = new JsonObject().put("op", "count").toBuffer();
    HttpCalls.Reply refused = http.post("/control", body, Map.of("content-type", "application/json"));
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().getString("code")).isEqualTo("unauthorized");
    HttpCalls.Reply ok = http.post("/control", body, Map.of("content-type", "application/json",
        "authorization", "apikey " + API_KEY));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getLong("connections")).isNotNegative();
    HttpCalls.Reply bad = http.post("/control", Buffer.buffer("{\"op\":"), Map.of("content-type", "application/json",
        "authorization", "apikey " + API_KEY));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("code")).isEqualTo("bad_request");
  }

  private static List<String> clients(JsonObject answer) {
    JsonArray list = answer.getJsonArray("connections");
    return list.stream().map(o -> ((JsonObject) o).getString("client")).toList();
  }

  static JsonObject control(JsonObject request) {
    return WsClient.await(gateway.vertx().eventBus().<JsonObject>request(Addresses.CONTROL, request)).body();
  }

  private static ReplyException failure(JsonObject request) {
    try {
      control(request);
    } catch (AssertionError e) {
      Throwable t = e;
      while (t != null && !(t instanceof ReplyException)) {
        t = t.getCause();
      }
      if (t != null) {
        return (ReplyException) t;
      }
      throw e;
    }
    throw new AssertionError("the control request " + request + " was not refused");
  }
}
