package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Server-Sent Events end to end, over real sockets, on one standalone gateway. */
class SseGatewayTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone();
  private static final HttpCalls http = gateway.http();

  @Test
  void a_stream_starts_with_retry_and_subscribed_then_carries_messages_with_cursor_ids() {
    try (SseClient sse = gateway.sse("/sse?channel=chat:sse1&channel=feed:sse1&user=alice")) {
      assertThat(sse.status()).isEqualTo(200);
      assertThat(sse.headers().get("Content-Type")).isEqualTo("text/event-stream");
      assertThat(sse.headers().get("Cache-Control")).isEqualTo("no-cache");
      assertThat(sse.headers().get("X-Accel-Buffering")).isEqualTo("no");

      JsonObject subscribed = sse.await(e -> e.type().equals("subscribed")).json();
      assertThat(sse.raw()).startsWith("retry: ");
      JsonArray channels = subscribed.getJsonArray("channels");
      assertThat(channels).hasSize(2);
      JsonObject chat = channels.getJsonObject(0);
      assertThat(chat.getString("channel")).isEqualTo("chat:sse1");
      assertThat(chat.getBoolean("recovered")).isTrue();
      assertThat(chat.getString("epoch")).isNotBlank();
      long start = chat.getLong("offset");

      JsonObject published = http.post("/publish?user=bob", new JsonObject().put("channel", "chat:sse1")
          .put("data", new JsonObject().put("text", "hi"))).json();
      assertThat(published.getLong("offset")).isEqualTo(start + 1);

      SseClient.Event event = sse.awaitMessages(1).get(0);
      assertThat(event.id()).isNotBlank().matches("[A-Za-z0-9_-]+");
      JsonObject msg = event.json();
      assertThat(msg.getString("channel")).isEqualTo("chat:sse1");
      assertThat(msg.getLong("offset")).isEqualTo(start + 1);
      assertThat(msg.getString("epoch")).isEqualTo(chat.getString("epoch"));
      assertThat(msg.getJsonObject("data")).isEqualTo(new JsonObject().put("text", "hi"));
      assertThat(msg.getString("from")).isEqualTo("bob");
      assertThat(msg.getLong("ts")).isPositive();
    }
  }

  @Test
  void a_dropped_stream_resumes_from_last_event_id_with_every_offset_once_in_order_across_three_channels()
      throws Exception {
    List<String> channels = List.of("chat:drop-a", "news:drop-b", "feed:drop-c");
    int perChannel = 400;
    String uri = "/sse?channel=" + String.join("&channel=", channels);
    Map<String, List<Long>> received = new HashMap<>();
    channels.forEach(c -> received.put(c, new ArrayList<>()));

    SseClient first = gateway.sse(uri);
    JsonArray start = first.await(e -> e.type().equals("subscribed")).json().getJsonArray("channels");
    Map<String, Long> startOffsets = new HashMap<>();
    start.forEach(o -> startOffsets.put(((JsonObject) o).getString("channel"), ((JsonObject) o).getLong("offset")));

    // a publishing rate (one per channel every 2 ms), so that the three drops below land while it goes on
    CompletableFuture<Void> published = new CompletableFuture<>();
    int[] round = {0};
    gateway.vertx().setPeriodic(2, id -> {
      if (round[0] == perChannel) {
        gateway.vertx().cancelTimer(id);
        published.complete(null);
        return;
      }
      for (String c : channels) {
        gateway.vertx().eventBus().request(Addresses.PUBLISH, new JsonObject().put("channel", c).put("data", round[0]));
      }
      round[0]++;
    });

    // three drops while publishing goes on: each stream resumes from the last id the previous one saw
    SseClient current = first;
    for (int drop = 0; drop < 3; drop++) {
      List<SseClient.Event> got = current.awaitMessages(60);
      assertThat(published.isDone()).as("publishing still goes on at drop %d", drop).isFalse();
      current.close();
      String lastId = current.lastId();
      collect(current.messages(), received);
      current = gateway.sse(uri, Map.of("Last-Event-ID", lastId));
      JsonArray resumed = current.await(e -> e.type().equals("subscribed")).json().getJsonArray("channels");
      resumed.forEach(o -> assertThat(((JsonObject) o).getBoolean("recovered")).isTrue());
      assertThat(got).isNotEmpty();
    }
    WsClient.await(published);
    int missing = 0;
    for (String c : channels) {
      missing += (int) (startOffsets.get(c) + perChannel - lastOffset(received.get(c), startOffsets.get(c)));
    }
    current.awaitMessages(missing);
    collect(current.messages(), received);
    current.close();

    for (String c : channels) {
      assertThat(received.get(c)).as(c)
          .containsExactlyElementsOf(Offsets.range(startOffsets.get(c) + 1, startOffsets.get(c) + perChannel));
    }
  }

  @Test
  void the_last_event_id_parameter_resumes_a_first_connection() {
    String channel = "chat:param-resume";
    String cursor;
    long start;
    try (SseClient sse = gateway.sse("/sse?channel=" + channel)) {
      SseClient.Event subscribed = sse.await(e -> e.type().equals("subscribed"));
      start = subscribed.json().getJsonArray("channels").getJsonObject(0).getLong("offset");
      cursor = subscribed.id();
      assertThat(cursor).as("subscribed carries the starting cursor").isNotBlank();
    }
    for (int i = 0; i < 3; i++) {
      http.post("/publish", new JsonObject().put("channel", channel).put("data", i));
    }
    try (SseClient sse = gateway.sse("/sse?channel=" + channel + "&lastEventId=" + cursor)) {
      assertThat(offsets(sse.awaitMessages(3))).containsExactly(start + 1, start + 2, start + 3);
    }
  }

  @Test
  void a_position_history_cannot_continue_is_reported_recovered_false() {
    String channel = "chat:sse-lost";
    http.post("/publish", new JsonObject().put("channel", channel).put("data", "a"));
    String stale = io.rtgw.connection.Cursor.encode(Map.of(channel, new io.rtgw.protocol.Position("gone", 5)));
    try (SseClient sse = gateway.sse("/sse?channel=" + channel, Map.of("Last-Event-ID", stale))) {
      JsonObject ch = sse.await(e -> e.type().equals("subscribed")).json().getJsonArray("channels").getJsonObject(0);
      assertThat(ch.getBoolean("recovered")).isFalse();
      assertThat(offsets(sse.awaitMessages(1))).containsExactly(1L);
    }
  }

  @Test
  void bad_requests_get_the_protocol_error_before_any_stream_starts() {
    assertError(http.get("/sse"), 400, "bad_request");
    assertError(http.get("/sse?channel=bad%20name"), 400, "bad_request");
    assertError(http.get("/sse?channel=nowhere:x"), 400, "bad_request");
    assertError(http.get("/sse?channel=user:mallory&user=eve"), 403, "forbidden");
    assertError(http.get("/sse?channel=chat:x&lastEventId=garbage!"), 400, "bad_request");
    assertError(http.get("/sse?channel=chat:x", Map.of("Last-Event-ID", "AAAAAAAAAAAA")), 400, "bad_request");
    StringBuilder many = new StringBuilder("/sse?channel=chat:0");
    for (int i = 1; i <= 32; i++) {
      many.append("&channel=chat:").append(i);
    }
    assertError(http.get(many.toString()), 400, "bad_request");
  }

  static void assertError(HttpCalls.Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    assertThat(reply.headers().get("Content-Type")).isEqualTo("application/json");
    JsonObject body = reply.json();
    assertThat(body.getString("type")).isEqualTo("error");
    assertThat(body.getString("code")).isEqualTo(code);
    assertThat(body.getString("message")).isNotBlank();
  }

  private static void collect(List<SseClient.Event> events, Map<String, List<Long>> into) {
    for (SseClient.Event e : events) {
      JsonObject m = e.json();
      into.get(m.getString("channel")).add(m.getLong("offset"));
    }
  }

  private static long lastOffset(List<Long> offsets, long start) {
    return offsets.isEmpty() ? start : offsets.get(offsets.size() - 1);
  }

  private static List<Long> offsets(List<SseClient.Event> events) {
    return events.stream().map(e -> e.json().getLong("offset")).toList();
  }
}
