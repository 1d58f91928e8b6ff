package io.rtgw.deploy;

import static io.rtgw.deploy.SseGatewayTest.assertError;
import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.connection.Cursor;
import io.rtgw.protocol.Position;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Long and short polling end to end, over real sockets, on one standalone gateway. */
class PollGatewayTest {

  private static final int HELD = 2_000;
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone();
  private static final HttpCalls http = gateway.http();

  @Test
  void a_poll_without_cursor_answers_at_once_positioned_at_now() {
    publish("chat:now", "before");
    long t0 = System.nanoTime();
    HttpCalls.Reply reply = http.get("/poll?channel=chat:now");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(reply.json().getJsonArray("messages")).isEmpty();
    assertThat(reply.json().getString("cursor")).matches("[A-Za-z0-9_-]+");
    assertThat(reply.json().containsKey("resets")).isFalse();

    publish("chat:now", "after");
    JsonArray next = http.get("/poll?channel=chat:now&cursor=" + reply.json().getString("cursor")).json()
        .getJsonArray("messages");
    assertThat(next).hasSize(1);
    assertThat(next.getJsonObject(0).getString("data")).isEqualTo("after");
  }

  @Test
  void a_held_poll_is_answered_by_the_next_message() {
    String cursor = http.get("/poll?channel=chat:held&channel=feed:held").json().getString("cursor");
    Future<HttpCalls.Reply> held = http.getAsync("/poll?channel=chat:held&channel=feed:held&timeout=20&cursor=" + cursor,
        Map.of());
    awaitHeld(1);
    JsonObject published = publish("feed:held", new JsonObject().put("n", 1));
    HttpCalls.Reply reply = WsClient.await(held);
    assertThat(reply.status()).isEqualTo(200);
    JsonArray messages = reply.json().getJsonArray("messages");
    assertThat(messages).hasSize(1);
    JsonObject m = messages.getJsonObject(0);
    assertThat(m.getString("channel")).isEqualTo("feed:held");
    assertThat(m.getLong("offset")).isEqualTo(published.getLong("offset"));
    assertThat(m.getJsonObject("data")).isEqualTo(new JsonObject().put("n", 1));
    assertThat(reply.json().getString("cursor")).isNotEqualTo(cursor);
  }

  @Test
  void a_poll_with_nothing_new_waits_out_its_timeout_then_answers_204() {
    String cursor = http.get("/poll?channel=chat:quiet").json().getString("cursor");
    long t0 = System.nanoTime();
    HttpCalls.Reply reply = http.get("/poll?channel=chat:quiet&timeout=0.5&cursor=" + cursor);
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.body().length()).isZero();
    assertThat(elapsedMs).isBetween(500L, 4_000L);
  }

  @Test
  void held_polls_on_one_deadline_wheel_each_wait_out_their_own_timeout_while_polls_beside_them_are_answered() {
    // opened together, many share a slot of the wheel; a third are answered by a message first, from the
    // middle of those slots, and the rest must still time out, none before its timeout
    int n = 30;
    List<Future<HttpCalls.Reply>> polls = new ArrayList<>();
    List<Long> startedNanos = new ArrayList<>();
    List<Long> timeoutsMs = new ArrayList<>();
    long[] answeredNanos = new long[n];
    try (HttpCalls crowd = new HttpCalls(gateway.port())) {
      for (int i = 0; i < n; i++) {
        String channel = "chat:wheel-" + i;
        String cursor = http.get("/poll?channel=" + channel).json().getString("cursor");
        long timeoutMs = 6_000 + 100L * (i % 3);
        timeoutsMs.add(timeoutMs);
        startedNanos.add(System.nanoTime());
        int at = i;
        polls.add(crowd.getAsync("/poll?channel=" + channel + "&timeout=" + timeoutMs / 1000.0 + "&cursor=" + cursor,
            Map.of()).onComplete(ar -> answeredNanos[at] = System.nanoTime()));
      }
      awaitHeld(n);
      for (int i = 0; i < n; i += 3) {
        publish("chat:wheel-" + i, "early");
      }
      WsClient.await(Future.all(polls));
    }
    for (int i = 0; i < n; i++) {
      HttpCalls.Reply r = polls.get(i).result();
      long waitedMs = (answeredNanos[i] - startedNanos.get(i)) / 1_000_000;
      if (i % 3 == 0 && r.status() == 200) {
        assertThat(r.json().getJsonArray("messages")).hasSize(1);
      } else {
        // a machine slow enough for the timeout to pass before the publish gets a 204 there too
        assertThat(r.status()).as("poll %d", i).isEqualTo(204);
        assertThat(waitedMs).as("poll %d waited", i).isGreaterThanOrEqualTo(timeoutsMs.get(i));
      }
    }
    awaitHeld(0);
  }

  @Test
  void messages_published_between_two_polls_come_with_the_next_poll_at_once() {
    String channel = "chat:between";
    JsonObject first = http.get("/poll?channel=" + channel).json();
    long start = publish(channel, 0).getLong("offset") - 1;
    publish(channel, 1);
    publish(channel, 2);
    long t0 = System.nanoTime();
    JsonObject reply = http.get("/poll?channel=" + channel + "&timeout=30&cursor=" + first.getString("cursor")).json();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    assertThat(offsets(reply)).containsExactly(start + 1, start + 2, start + 3);
  }

  @Test
  void a_long_poll_loop_receives_a_thousand_concurrent_publishes_each_once_in_order() throws Exception {
    List<String> channels = List.of("chat:loop-a", "feed:loop-b");
    int perChannel = 500;
    String query = "/poll?channel=" + String.join("&channel=", channels);
    JsonObject begin = http.get(query).json();
    Map<String, Long> start = new HashMap<>();
    Map<String, List<Long>> received = new HashMap<>();
    for (String c : channels) {
      start.put(c, WsClient.await(http.send(io.vertx.core.http.HttpMethod.GET, "/history?channel=" + c + "&limit=0",
          Map.of(), null)).json().getLong("offset"));
      received.put(c, new ArrayList<>());
    }
    List<Thread> publishers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String channel = channels.get(t % 2);
      Thread p = new Thread(() -> {
        try (HttpCalls own = new HttpCalls(gateway.port())) {
          for (int i = 0; i < perChannel / 2; i++) {
            assertThat(own.post("/publish", new JsonObject().put("channel", channel).put("data", i)).status())
                .isEqualTo(200);
          }
        }
      });
      publishers.add(p);
      p.start();
    }
    String cursor = begin.getString("cursor");
    int polls = 0;
    int total = 0;
    long deadline = System.currentTimeMillis() + 60_000;
    while (total < channels.size() * perChannel && System.currentTimeMillis() < deadline) {
      HttpCalls.Reply reply = http.get(query + "&timeout=5&cursor=" + cursor);
      polls++;
      if (reply.status() == 204) {
        continue;
      }
      JsonObject body = reply.json();
      assertThat(body.containsKey("resets")).isFalse();
      for (Object o : body.getJsonArray("messages")) {
        JsonObject m = (JsonObject) o;
        received.get(m.getString("channel")).add(m.getLong("offset"));
        total++;
      }
      cursor = body.getString("cursor");
    }
    for (Thread p : publishers) {
      p.join();
    }
    for (String c : channels) {
      assertThat(received.get(c)).as(c).containsExactlyElementsOf(Offsets.range(start.get(c) + 1, start.get(c) + perChannel));
    }
    System.out.printf("long-poll loop: %d messages in %d polls%n", total, polls);
  }

  @Test
  void two_thousand_held_polls_are_all_answered_by_one_publish() {
    String channel = "chat:crowd-poll";
    String cursor = http.get("/poll?channel=" + channel).json().getString("cursor");
    List<Future<HttpCalls.Reply>> polls = new ArrayList<>(HELD);
    long releasedMs;
    JsonObject published;
    try (HttpCalls crowd = new HttpCalls(gateway.port())) {
      for (int i = 0; i < HELD; i++) {
        polls.add(crowd.getAsync("/poll?channel=" + channel + "&timeout=50&cursor=" + cursor, Map.of()));
      }
      awaitHeld(HELD);
      long t0 = System.nanoTime();
      published = publish(channel, "wake up");
      WsClient.await(Future.all(polls));
      releasedMs = (System.nanoTime() - t0) / 1_000_000;
    }
    AtomicInteger answered = new AtomicInteger();
    for (Future<HttpCalls.Reply> f : polls) {
      HttpCalls.Reply r = f.result();
      assertThat(r.status()).isEqualTo(200);
      assertThat(offsets(r.json())).containsExactly(published.getLong("offset"));
      answered.incrementAndGet();
    }
    assertThat(answered.get()).isEqualTo(HELD);
    assertThat(health().getInteger("heldPolls")).isZero();
    System.out.printf("%d held polls released by one publish in %d ms%n", HELD, releasedMs);
  }

  @Test
  void a_cursor_from_another_epoch_is_reported_in_resets_with_what_is_retained() {
    String channel = "chat:reset";
    publish(channel, "a");
    publish(channel, "b");
    String stale = Cursor.encode(Map.of(channel, new Position("gone", 9)));
    JsonObject reply = http.get("/poll?channel=" + channel + "&cursor=" + stale).json();
    assertThat(reply.getJsonArray("resets")).containsExactly(channel);
    assertThat(offsets(reply)).containsExactly(1L, 2L);
    JsonObject after = http.get("/messages?channel=" + channel + "&cursor=" + reply.getString("cursor")).json();
    assertThat(after.getJsonArray("messages")).isEmpty();
    assertThat(after.containsKey("resets")).isFalse();
  }

  @Test
  void a_channel_the_cursor_does_not_cover_is_positioned_at_now_and_answered_at_once() {
    String cursor = http.get("/poll?channel=chat:cov-a").json().getString("cursor");
    publish("chat:cov-b", "old");
    long t0 = System.nanoTime();
    JsonObject reply = http.get("/poll?channel=chat:cov-a&channel=chat:cov-b&timeout=30&cursor=" + cursor).json();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    assertThat(reply.getJsonArray("messages")).isEmpty();
    publish("chat:cov-b", "new");
    JsonObject next = http.get("/poll?channel=chat:cov-a&channel=chat:cov-b&cursor=" + reply.getString("cursor")).json();
    assertThat(next.getJsonArray("messages")).hasSize(1);
    assertThat(next.getJsonArray("messages").getJsonObject(0).getString("data")).isEqualTo("new");
  }

  @Test
  void short_polls_never_wait() {
    String channel = "chat:short";
    JsonObject first = http.get("/messages?channel=" + channel).json();
    assertThat(first.getJsonArray("messages")).isEmpty();
    long t0 = System.nanoTime();
    JsonObject empty = http.get("/messages?channel=" + channel + "&cursor=" + first.getString("cursor")).json();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
    assertThat(empty.getJsonArray("messages")).isEmpty();
    long offset = publish(channel, "x").getLong("offset");
    publish(channel, "y");
    JsonObject two = http.get("/messages?channel=" + channel + "&cursor=" + empty.getString("cursor")).json();
    assertThat(offsets(two)).containsExactly(offset, offset + 1);
  }

  @Test
  void a_poll_whose_client_goes_away_is_released() {
    String cursor = http.get("/poll?channel=chat:gone").json().getString("cursor");
    // Vert.x's client here: closing it drops the connection of the poll in flight, as a vanished client would
    io.vertx.core.http.HttpClient own = gateway.clients().createHttpClient();
    own.request(io.vertx.core.http.HttpMethod.GET, gateway.port(), "127.0.0.1", "/poll?channel=chat:gone&timeout=50&cursor=" + cursor)
        .compose(r -> r.send());
    awaitHeld(1);
    WsClient.await(own.close());
    awaitHeld(0);
  }

  @Test
  void garbage_and_tampered_cursors_are_bad_requests_everywhere() {
    String good = http.get("/poll?channel=chat:tamper").json().getString("cursor");
    char[] chars = good.toCharArray();
    int mid = chars.length / 2;
    chars[mid] = chars[mid] == 'A' ? 'B' : 'A';
    String tampered = new String(chars);
    for (String bad : List.of(tampered, "garbage", "%%%", "AAAAAAAAAAAAAAAA", good.substring(0, good.length() - 2),
        "x".repeat(50_000), "{\"chat:tamper\":5}")) {
      String c = URLEncoder.encode(bad, StandardCharsets.UTF_8);
      assertError(http.get("/poll?channel=chat:tamper&cursor=" + c), 400, "bad_request");
      assertError(http.get("/messages?channel=chat:tamper&cursor=" + c), 400, "bad_request");
      assertError(http.get("/history?channel=chat:tamper&cursor=" + c), 400, "bad_request");
    }
  }

  @Test
  void bad_parameters_get_the_protocol_error() {
    assertError(http.get("/poll"), 400, "bad_request");
    assertError(http.get("/poll?channel=chat:x&timeout=soon"), 400, "bad_request");
    assertError(http.get("/poll?channel=chat:x&timeout=-1"), 400, "bad_request");
    assertError(http.get("/poll?channel=nowhere:x"), 400, "bad_request");
    assertError(http.get("/messages?channel=user:mallory&user=eve"), 403, "forbidden");
    // no URL class lets "%zz" through, so this one goes down a plain socket as any client might send it
    String raw = rawGet("/poll?channel=%zz");
    assertThat(raw).startsWith("HTTP/1.1 400 ").contains("\"code\":\"bad_request\"");
  }

  private static String rawGet(String target) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
      socket.setSoTimeout((int) WsClient.TIMEOUT.toMillis());
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static JsonObject publish(String channel, Object data) {
    HttpCalls.Reply reply = http.post("/publish", new JsonObject().put("channel", channel).put("data", data));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json();
  }

  private static List<Long> offsets(JsonObject reply) {
    return Offsets.of(reply.getJsonArray("messages").stream().map(o -> (JsonObject) o).toList());
  }

  private static JsonObject health() {
    return http.get("/health").json();
  }

  private static void awaitHeld(int n) {
    eventually(WsClient.TIMEOUT, () -> assertThat(health().getInteger("heldPolls")).as("held polls").isEqualTo(n));
  }
}
