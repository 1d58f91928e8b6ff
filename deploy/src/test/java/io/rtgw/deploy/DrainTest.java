package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Eventually;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LongSummaryStatistics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stopping node drains every transport: {@code /health} says DRAINING, newcomers get 503 with
 * Retry-After, and within the window each WebSocket client is told to reconnect, each SSE stream ends and
 * each held poll is answered, each at its own moment; then what is left is closed. Two gateways share
 * one Redis history, so a client of the drained node resumes on the other and is shown to lose nothing.
 */
class DrainTest {

  private static final long WINDOW_MS = 2_000;
  private static final int CLIENTS = 8;

  /** The node the drained node's clients move to; the drained ones are started per test, on the same Redis. */
  @RegisterExtension
  static final GatewayExtension other = GatewayExtension.withRedis("GATEWAY_HISTORY_STORE", "redis");
  private static Vertx clients;

  @BeforeAll
  static void start() {
    clients = other.clients();
  }

  private static String[] sharedHistory(String... more) {
    // the channel moves on through the other node only, which the drained node would see at its next
    // position check (its history tier serves until the drain is over) and deliver: kept out of these
    // tests, which count what the drain itself does
    List<String> env = new ArrayList<>(List.of("GATEWAY_HISTORY_STORE", "redis",
        "GATEWAY_REDIS_ENDPOINT", other.redis().endpoint(), "GATEWAY_DELIVERY_POSITION_CHECK_MS", "600000"));
    env.addAll(List.of(more));
    return env.toArray(String[]::new);
  }

  @Test
  void every_transport_leaves_spread_over_the_window_and_resumes_elsewhere_losing_nothing() {
    Gateway draining = TestGateways.start(sharedHistory("GATEWAY_HTTP_DRAIN_MS", String.valueOf(WINDOW_MS)));
    int port = draining.httpPort();
    String channel = "chat:drain-all";
    List<WsClient> sockets = new ArrayList<>();
    List<Long> wsFrom = new ArrayList<>();
    List<SseClient> streams = new ArrayList<>();
    List<Future<HttpCalls.Reply>> polls = new ArrayList<>();
    List<Long> pollAnswered = new ArrayList<>();
    String pollCursor;
    try (HttpCalls http = new HttpCalls(port); HttpCalls elsewhere = new HttpCalls(other.port())) {
      for (int i = 0; i < CLIENTS; i++) {
        WsClient ws = WsClient.connect(clients, port, null);
        wsFrom.add(ws.subscribe(channel).getLong("offset"));
        sockets.add(ws);
        SseClient sse = SseClient.open(clients, port, "/sse?channel=" + channel);
        sse.await(e -> e.type().equals("subscribed"));
        streams.add(sse);
      }
      String epoch = http.get("/history?channel=" + channel + "&limit=0").json().getString("epoch");
      pollCursor = http.get("/poll?channel=" + channel).json().getString("cursor");
      for (int i = 0; i < CLIENTS; i++) {
        Future<HttpCalls.Reply> poll = http.getAsync("/poll?channel=" + channel + "&cursor=" + pollCursor, Map.of());
        poll.onSuccess(r -> {
          synchronized (pollAnswered) {
            pollAnswered.add(System.currentTimeMillis());
          }
        });
        polls.add(poll);
      }
      awaitHeldPolls(http, CLIENTS);

      long started = System.currentTimeMillis();
      Future<Void> stopping = draining.stop();

      // newcomers are sent away at once, on every transport, with a hint when to retry
      for (String path : List.of("/sse?channel=" + channel, "/poll?channel=" + channel, "/messages?channel=" + channel)) {
        HttpCalls.Reply refused = new HttpCalls(port).get(path);
        assertThat(refused.status()).as(path).isEqualTo(503);
        assertThat(refused.json().getString("code")).isEqualTo("unavailable");
        assertThat(refused.headers().get("Retry-After")).as(path).isEqualTo("1");
      }
      // held to the end: Vert.x closes a client that is no longer reachable, even mid-handshake
      io.vertx.core.http.WebSocketClient refusedClient = clients.createWebSocketClient();
      var upgrade = refusedClient.connect(port, "127.0.0.1", "/ws").toCompletionStage().toCompletableFuture();
      assertThat(upgrade).failsWithin(WsClient.TIMEOUT).withThrowableThat().havingCause()
          .isInstanceOf(UpgradeRejectedException.class)
          .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(503));
      WsClient.await(refusedClient.close());

      // meanwhile the channel goes on, published through the other node
      for (int i = 0; i < 5; i++) {
        elsewhere.post("/publish", new JsonObject().put("channel", channel).put("data", i));
      }

      List<Long> hints = new ArrayList<>();
      for (WsClient ws : sockets) {
        hints.add(ws.await(f -> "reconnect".equals(f.getString("type"))).getLong("after_ms"));
      }
      assertThat(hints).allSatisfy(ms -> assertThat(ms).isBetween(0L, WINDOW_MS - 1));
      assertThat(hints.stream().distinct().count()).as("reconnect hints are jittered").isGreaterThan(1);

      List<Long> streamEnds = new ArrayList<>();
      for (SseClient sse : streams) {
        sse.awaitEnd();
      }
      for (SseClient sse : streams) {
        streamEnds.add(sse.endedAt() - started);
      }
      assertSpreadOverTheWindow("SSE stream ends", streamEnds);

      for (Future<HttpCalls.Reply> poll : polls) {
        assertThat(WsClient.await(poll).status()).isEqualTo(204);
      }
      List<Long> pollEnds = new ArrayList<>();
      synchronized (pollAnswered) {
        pollAnswered.forEach(t -> pollEnds.add(t - started));
      }
      assertSpreadOverTheWindow("held poll answers", pollEnds);

      for (WsClient ws : sockets) {
        assertThat(ws.awaitClose()).isEqualTo((short) 1001);
      }
      WsClient.await(stopping);
      assertThat(System.currentTimeMillis() - started).isGreaterThanOrEqualTo(WINDOW_MS - 100);

      // each client resumes on the other node from where it was: the five messages, once, in order
      for (int i = 0; i < CLIENTS; i++) {
        try (WsClient again = WsClient.connect(clients, other.port(), null)) {
          JsonObject sub = again.subscribe(channel, epoch, wsFrom.get(i));
          assertThat(sub.getBoolean("recovered")).isTrue();
          assertThat(offsets(again.awaitMessages(channel, 5))).isEqualTo(range(wsFrom.get(i) + 1, 5));
        }
        String lastId = streams.get(i).lastId();
        try (SseClient again = SseClient.open(clients, other.port(), "/sse?channel=" + channel,
            Map.of("Last-Event-ID", lastId))) {
          List<Long> got = new ArrayList<>();
          again.awaitMessages(5).forEach(e -> got.add(e.json().getLong("offset")));
          assertThat(got).isEqualTo(range(wsFrom.get(i) + 1, 5));
        }
      }
      JsonObject next = elsewhere.get("/poll?channel=" + channel + "&cursor=" + pollCursor).json();
      assertThat(next.getJsonArray("messages")).hasSize(5);
    } finally {
      sockets.forEach(WsClient::close);
      streams.forEach(SseClient::close);
    }
  }

  @Test
  void the_window_is_honoured_when_only_poll_and_sse_clients_are_connected() {
    Gateway draining = TestGateways.start(sharedHistory("GATEWAY_HTTP_DRAIN_MS", String.valueOf(WINDOW_MS)));
    int port = draining.httpPort();
    String channel = "chat:drain-http";
    try (HttpCalls http = new HttpCalls(port);
         SseClient sse = SseClient.open(clients, port, "/sse?channel=" + channel)) {
      sse.await(e -> e.type().equals("subscribed"));
      String cursor = http.get("/poll?channel=" + channel).json().getString("cursor");
      Future<HttpCalls.Reply> poll = http.getAsync("/poll?channel=" + channel + "&cursor=" + cursor, Map.of());
      awaitHeldPolls(http, 1);

      long started = System.currentTimeMillis();
      WsClient.await(draining.stop());
      assertThat(System.currentTimeMillis() - started).as("the drain window was waited out")
          .isGreaterThanOrEqualTo(WINDOW_MS - 100);
      assertThat(sse.hasEnded()).isTrue();
      assertThat(sse.endedAt() - started).isLessThan(WINDOW_MS);
      assertThat(WsClient.await(poll).status()).isEqualTo(204);
    }
  }

  @Test
  void a_node_with_no_clients_stops_at_once() {
    Gateway idle = TestGateways.start(sharedHistory("GATEWAY_HTTP_DRAIN_MS", "30000"));
    long started = System.currentTimeMillis();
    WsClient.await(idle.stop());
    assertThat(System.currentTimeMillis() - started).isLessThan(10_000);
  }

  /** Every moment inside the window, and not all at once. */
  private static void assertSpreadOverTheWindow(String what, List<Long> moments) {
    assertThat(moments).as(what).hasSize(CLIENTS).allSatisfy(ms -> assertThat(ms).isBetween(0L, WINDOW_MS + 500));
    LongSummaryStatistics s = moments.stream().mapToLong(Long::longValue).summaryStatistics();
    assertThat(s.getMax() - s.getMin()).as(what + " are spread out, not all at once").isGreaterThan(WINDOW_MS / 8);
  }

  /** The node counts held polls on /health: the polls are parked there before the drain begins. */
  private static void awaitHeldPolls(HttpCalls http, int n) {
    Eventually.eventually(WsClient.TIMEOUT, () ->
        assertThat(http.get("/health").json().getInteger("heldPolls")).as("polls held").isEqualTo(n));
  }

  private static List<Long> offsets(List<JsonObject> messages) {
    List<Long> out = new ArrayList<>();
    messages.forEach(m -> out.add(m.getLong("offset")));
    return out;
  }

  private static List<Long> range(long from, int count) {
    List<Long> out = new ArrayList<>();
    for (long o = from; o < from + count; o++) {
      out.add(o);
    }
    return out;
  }
}
