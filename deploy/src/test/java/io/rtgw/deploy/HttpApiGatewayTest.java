package io.rtgw.deploy;

import static io.rtgw.deploy.SseGatewayTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Offsets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /publish, GET /history, GET /presence and the JSON errors, on one standalone gateway. */
class HttpApiGatewayTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_NAMESPACES_NEWS_CLIENT_PUBLISH", "false");
  private static final HttpCalls http = gateway.http();

  @Test
  void a_publish_answers_with_its_position_and_a_repeated_key_gets_the_first_reply() {
    JsonObject body = new JsonObject().put("channel", "chat:http-idem").put("data", new JsonObject().put("t", 1))
        .put("key", "k-123");
    HttpCalls.Reply first = http.post("/publish?user=ida", body);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.headers().get("Content-Type")).isEqualTo("application/json");
    JsonObject at = first.json();
    assertThat(at.getString("channel")).isEqualTo("chat:http-idem");
    assertThat(at.getString("epoch")).isNotBlank();
    assertThat(at.getLong("offset")).isPositive();

    assertThat(http.post("/publish?user=ida", body).json()).isEqualTo(at);
    JsonObject other = http.post("/publish?user=ida", body.copy().put("key", "k-124")).json();
    assertThat(other.getLong("offset")).isEqualTo(at.getLong("offset") + 1);

    JsonObject page = http.get("/history?channel=chat:http-idem").json();
    assertThat(Offsets.of(messages(page))).containsExactly(at.getLong("offset"), other.getLong("offset"));
    assertThat(messages(page).get(0).getString("from")).isEqualTo("ida");
  }

  @Test
  void history_reads_after_a_cursor_with_a_limit_or_the_newest_without_one() {
    String channel = "chat:http-hist";
    String cursor = http.get("/poll?channel=" + channel).json().getString("cursor");
    for (int i = 1; i <= 5; i++) {
      http.post("/publish", new JsonObject().put("channel", channel).put("data", i));
    }
    JsonObject after = http.get("/history?channel=" + channel + "&cursor=" + cursor + "&limit=2").json();
    assertThat(after.getString("channel")).isEqualTo(channel);
    assertThat(after.getBoolean("recovered")).isTrue();
    assertThat(after.getLong("offset")).isEqualTo(5);
    assertThat(Offsets.of(messages(after))).containsExactly(1L, 2L);

    JsonObject newest = http.get("/history?channel=" + channel + "&limit=3").json();
    assertThat(Offsets.of(messages(newest))).containsExactly(3L, 4L, 5L);
    assertThat(messages(newest).get(0).getInteger("data")).isEqualTo(3);

    String other = http.get("/poll?channel=chat:elsewhere").json().getString("cursor");
    assertError(http.get("/history?channel=" + channel + "&cursor=" + other), 400, "bad_request");
    assertError(http.get("/history?channel=" + channel + "&limit=many"), 400, "bad_request");
    assertError(http.get("/history?channel=user:mallory&user=eve"), 403, "forbidden");
    assertError(http.get("/history"), 400, "bad_request");
  }

  @Test
  void a_five_megabyte_publish_is_too_large() {
    String big = "{\"channel\":\"chat:big\",\"data\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}";
    assertError(http.post("/publish", Buffer.buffer(big), Map.of("Content-Type", "application/json")), 413, "too_large");
    // under the body limit but over the message limit: the fanout tier says too_large as well
    assertError(http.post("/publish", new JsonObject().put("channel", "chat:big").put("data", "y".repeat(70_000))),
        413, "too_large");
    assertThat(http.post("/publish", new JsonObject().put("channel", "chat:big").put("data", "fits")).status())
        .isEqualTo(200);
  }

  @Test
  void bad_publishes_get_their_codes() {
    Map<String, String> json = Map.of("Content-Type", "application/json");
    assertError(http.post("/publish", Buffer.buffer("{not json"), json), 400, "bad_request");
    assertError(http.post("/publish", Buffer.buffer("[1,2]"), json), 400, "bad_request");
    assertError(http.post("/publish", Buffer.buffer(""), json), 400, "bad_request");
    assertError(http.post("/publish", new JsonObject().put("channel", "chat:x")), 400, "bad_request");
    assertError(http.post("/publish", new JsonObject().put("channel", "bad name").put("data", 1)), 400, "bad_request");
    assertError(http.post("/publish", new JsonObject().put("channel", "chat:x").put("data", 1).put("key", 5)),
        400, "bad_request");
    assertError(http.post("/publish", new JsonObject().put("channel", "news:x").put("data", 1)), 403, "forbidden");
    assertError(http.post("/publish", new JsonObject().put("channel", "nowhere:x").put("data", 1)), 400, "bad_request");
  }

  @Test
  void presence_is_refused_where_it_is_off_and_listed_where_it_is_on() {
    assertError(http.get("/presence?channel=news:x"), 403, "forbidden");
    HttpCalls.Reply members = http.get("/presence?channel=chat:nobody-here");
    assertThat(members.status()).isEqualTo(200);
    assertThat(members.json().getJsonArray("members")).isEmpty();
  }

  @Test
  void unknown_endpoints_and_methods_are_json_404s_and_health_stays() {
    assertError(http.get("/nope"), 404, "not_found");
    assertError(http.get("/publish"), 404, "not_found");
    assertError(http.request(HttpMethod.DELETE, "/poll?channel=chat:x", Map.of()), 404, "not_found");
    JsonObject health = http.get("/health").json();
    assertThat(health.getString("status")).isEqualTo("UP");
    assertThat(health.getInteger("heldPolls")).isNotNull();
    assertThat(health.getInteger("sseStreams")).isNotNull();
  }

  @Test
  void a_request_line_past_the_limit_is_a_bad_request_not_a_bare_414() {
    assertError(http.get("/messages?channel=chat:x&cursor=" + "A".repeat(20_000)), 400, "bad_request");
  }

  private static List<JsonObject> messages(JsonObject page) {
    return page.getJsonArray("messages").stream().map(o -> (JsonObject) o).toList();
  }
}
