package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each limit, configured small, reached over real sockets: answered with the protocol's code and a
 * sentence, and nothing else disturbed. Each test has a gateway of its own, since every client here
 * comes from one address and the per-address limits would otherwise cross tests.
 */
class LimitsGatewayTest {

  private static Vertx clients;

  @BeforeAll
  static void start() {
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    WsClient.await(clients.close());
  }

  @Test
  void a_user_past_its_connection_limit_is_refused_on_every_transport() {
    Gateway gateway = TestGateways.start("GATEWAY_LIMITS_CONNECTIONS_PER_USER", "2");
    List<AutoCloseable> open = new ArrayList<>();
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      for (int i = 0; i < 2; i++) {
        WsClient ws = WsClient.connect(clients, gateway.httpPort(), "user=alice");
        ws.await(f -> "connected".equals(f.getString("type")));
        open.add(ws);
      }
      WsClient third = WsClient.connect(clients, gateway.httpPort(), "user=alice");
      assertThat(third.awaitClose()).isEqualTo((short) 4001);
      SseClient sse = SseClient.open(clients, gateway.httpPort(), "/sse?channel=chat:limits&user=alice");
      open.add(sse);
      assertThat(sse.status()).isEqualTo(503);
      assertThat(sse.headers().get("Retry-After")).isEqualTo("1");
      // another user is not affected
      WsClient bob = WsClient.connect(clients, gateway.httpPort(), "user=bob");
      open.add(bob);
      assertThat(bob.await(f -> "connected".equals(f.getString("type"))).getString("user")).isEqualTo("bob");
      // a slot is given back when its connection goes
      ((WsClient) open.get(0)).close();
      Eventually(() -> {
        WsClient again = WsClient.connect(clients, gateway.httpPort(), "user=alice");
        open.add(again);
        assertThat(again.await(f -> "connected".equals(f.getString("type")) || "error".equals(f.getString("type")))
            .getString("type")).isEqualTo("connected");
      });
    } finally {
      closeAll(open);
      WsClient.await(gateway.stop());
    }
  }

  @Test
  void an_address_past_its_connection_limit_or_rate_is_refused() {
    Gateway gateway = TestGateways.start("GATEWAY_LIMITS_CONNECTIONS_PER_IP", "3");
    List<AutoCloseable> open = new ArrayList<>();
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      for (int i = 0; i < 3; i++) {
        open.add(WsClient.connect(clients, gateway.httpPort(), null));
      }
      WsClient fourth = WsClient.connect(clients, gateway.httpPort(), null);
      assertThat(fourth.awaitClose()).isEqualTo((short) 4001);
      HttpCalls.Reply poll = http.get("/poll?channel=chat:ip&cursor=" + http.get("/poll?channel=chat:ip").json()
          .getString("cursor"));
      assertThat(poll.status()).as("a held poll counts as a connection").isEqualTo(503);
      assertThat(poll.json().getString("code")).isEqualTo("unavailable");
      assertThat(http.get("/messages?channel=chat:ip").status()).as("a short poll holds nothing").isEqualTo(200);
    } finally {
      closeAll(open);
      WsClient.await(gateway.stop());
    }
    Gateway rated = TestGateways.start("GATEWAY_LIMITS_CONNECTION_RATE_PER_IP", "3");
    try {
      List<WsClient> opened = new ArrayList<>();
      long started = System.nanoTime();
      for (int i = 0; i < 12; i++) {
        WsClient c = WsClient.connect(clients, rated.httpPort(), null);
        opened.add(c);
        open.add(c);
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      for (WsClient c : opened) {
        c.send(new JsonObject().put("type", "ping"));
      }
      for (WsClient c : opened) {
        Eventually(() -> assertThat(c.isClosed() || !c.frames(x -> true).isEmpty()).isTrue());
      }
      long accepted = opened.stream().filter(c -> !c.isClosed()).count();
      // a burst of 3, then 3 a second: what the elapsed time allowed, and no more
      assertThat(accepted).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(3 + (long) Math.ceil(3 * seconds));
      assertThat(opened.stream().filter(WsClient::isClosed).count()).isPositive();
    } finally {
      closeAll(open);
      WsClient.await(rated.stop());
    }
  }

  @Test
  void commands_and_publishes_over_their_rate_are_refused_and_the_connection_stays() {
    Gateway gateway = TestGateways.start("GATEWAY_LIMITS_COMMANDS_PER_SECOND", "20",
        "GATEWAY_LIMITS_COMMAND_BURST", "10", "GATEWAY_LIMITS_PUBLISHES_PER_SECOND", "2",
        "GATEWAY_LIMITS_PUBLISH_BURST", "3", "GATEWAY_WEBSOCKET_MAX_SUBSCRIPTIONS", "2");
    try (WsClient c = WsClient.connect(clients, gateway.httpPort(), null)) {
      for (int i = 0; i < 30; i++) {
        c.send(new JsonObject().put("id", i).put("type", "ping"));
      }
      List<JsonObject> answers = awaitAnswers(c, 30);
      long pongs = answers.stream().filter(f -> "pong".equals(f.getString("type"))).count();
      List<JsonObject> limited = answers.stream().filter(f -> "rate_limited".equals(f.getString("code"))).toList();
      assertThat(pongs).as("the burst, and what refilled meanwhile").isBetween(10L, 14L);
      assertThat(limited).hasSize(30 - (int) pongs);
      assertThat(limited.get(0).getString("message")).startsWith("Too many commands (at most 20 a second); retry in ");
      assertThat(c.isClosed()).isFalse();

      Eventually(() -> assertThat(c.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong"));
    }
    // a fresh connection has full buckets: publishes are limited on their own, tighter than commands
    try (WsClient c = WsClient.connect(clients, gateway.httpPort(), null)) {
      int published = 0;
      int refused = 0;
      for (int i = 0; i < 5; i++) {
        JsonObject r = c.publish("chat:rate", i);
        if ("published".equals(r.getString("type"))) {
          published++;
        } else if ("rate_limited".equals(r.getString("code"))) {
          refused++;
        }
      }
      assertThat(published).isEqualTo(3);
      assertThat(refused).isEqualTo(2);

      c.subscribe("chat:s1");
      c.subscribe("chat:s2");
      JsonObject third = c.request(new JsonObject().put("type", "subscribe").put("channel", "chat:s3"));
      assertThat(third.getString("code")).isEqualTo("limit_exceeded");
      assertThat(third.getString("message")).isEqualTo("Too many subscriptions on one connection (at most 2).");
    } finally {
      WsClient.await(gateway.stop());
    }
  }

  @Test
  void a_client_that_keeps_going_past_its_rate_is_closed_with_1008() {
    Gateway gateway = TestGateways.start("GATEWAY_LIMITS_COMMANDS_PER_SECOND", "5", "GATEWAY_LIMITS_COMMAND_BURST", "5");
    try (WsClient abuser = WsClient.connect(clients, gateway.httpPort(), null);
         WsClient bystander = WsClient.connect(clients, gateway.httpPort(), null)) {
      for (int i = 0; i < 300; i++) {
        abuser.send(new JsonObject().put("id", i).put("type", "ping"));
      }
      assertThat(abuser.awaitClose()).isEqualTo((short) 1008);
      assertThat(bystander.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    } finally {
      WsClient.await(gateway.stop());
    }
  }

  private static List<JsonObject> awaitAnswers(WsClient c, int n) {
    c.await(f -> c.frames(x -> x.containsKey("id")).size() >= n);
    return c.frames(x -> x.containsKey("id"));
  }

  private static void Eventually(io.rtgw.testkit.Eventually.Check check) {
    io.rtgw.testkit.Eventually.eventually(WsClient.TIMEOUT, check);
  }

  private static void closeAll(List<AutoCloseable> open) {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        // closing what may already be closed
      }
    }
    open.clear();
  }
}
