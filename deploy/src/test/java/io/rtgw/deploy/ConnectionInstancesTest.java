package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node with two connection instances (two event loops sharing one port, Vert.x handing accepted
 * sockets to them in turn) is still one node: its limits hold exactly across both, a publish reaches the
 * subscribers of both, {@code /health} and {@code /metrics} count both, and a drain ends both. That the
 * clients landed on both instances is shown by {@code /health}'s channel count: one channel with
 * subscribers on both instances is held in both tables.
 */
class ConnectionInstancesTest {

  private static final String TWO = "2";
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
  void the_per_user_limit_holds_exactly_across_instances() {
    Gateway gateway = TestGateways.start("GATEWAY_ROLES_CONNECTION_INSTANCES", TWO,
        "GATEWAY_LIMITS_CONNECTIONS_PER_USER", "3");
    List<WsClient> open = new ArrayList<>();
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      for (int i = 0; i < 3; i++) {
        WsClient ws = WsClient.connect(clients, gateway.httpPort(), "user=alice");
        ws.await(f -> "connected".equals(f.getString("type")));
        open.add(ws);
      }
      int personal = http.get("/health").json().getInteger("channels");
      open.forEach(ws -> ws.subscribe("chat:cores-user"));
      JsonObject health = http.get("/health").json();
      assertThat(health.getInteger("channels") - personal).as("the channel is held by both instances").isEqualTo(2);
      assertThat(health.getInteger("connections")).isEqualTo(3);
      WsClient fourth = WsClient.connect(clients, gateway.httpPort(), "user=alice");
      open.add(fourth);
      assertThat(fourth.awaitClose()).isEqualTo((short) 4001);
      WsClient bob = WsClient.connect(clients, gateway.httpPort(), "user=bob");
      open.add(bob);
      assertThat(bob.await(f -> "connected".equals(f.getString("type"))).getString("user")).isEqualTo("bob");
      // the slot a closed connection gives back can be taken on either instance, once
      open.get(0).close();
      eventually(WsClient.TIMEOUT, () -> assertThat(http.get("/health").json().getInteger("connections")).isEqualTo(3));
      List<WsClient> again = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        WsClient c = WsClient.connect(clients, gateway.httpPort(), "user=alice");
        again.add(c);
        open.add(c);
        eventually(WsClient.TIMEOUT, () -> assertThat(c.isClosed()
            || !c.frames(f -> "connected".equals(f.getString("type"))).isEmpty()).isTrue());
      }
      assertThat(again.stream().filter(c -> !c.isClosed()).count()).as("one of two newcomers gets the freed slot")
          .isEqualTo(1);
    } finally {
      open.forEach(WsClient::close);
      WsClient.await(gateway.stop());
    }
  }

  @Test
  void the_per_address_limit_and_rate_hold_exactly_across_instances() {
    Gateway gateway = TestGateways.start("GATEWAY_ROLES_CONNECTION_INSTANCES", TWO,
        "GATEWAY_LIMITS_CONNECTIONS_PER_IP", "4");
    List<WsClient> open = new ArrayList<>();
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      for (int i = 0; i < 4; i++) {
        WsClient ws = WsClient.connect(clients, gateway.httpPort(), null);
        ws.subscribe("chat:cores-ip");
        open.add(ws);
      }
      assertThat(http.get("/health").json().getInteger("channels")).as("clients on both instances").isEqualTo(2);
      for (int i = 0; i < 2; i++) {
        WsClient over = WsClient.connect(clients, gateway.httpPort(), null);
        open.add(over);
        assertThat(over.awaitClose()).as("newcomer %d past the address's limit", i).isEqualTo((short) 4001);
      }
    } finally {
      open.forEach(WsClient::close);
      WsClient.await(gateway.stop());
    }
    Gateway rated = TestGateways.start("GATEWAY_ROLES_CONNECTION_INSTANCES", TWO,
        "GATEWAY_LIMITS_CONNECTION_RATE_PER_IP", "3");
    List<WsClient> opened = new ArrayList<>();
    try {
      long started = System.nanoTime();
      for (int i = 0; i < 12; i++) {
        opened.add(WsClient.connect(clients, rated.httpPort(), null));
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      for (WsClient c : opened) {
        c.send(new JsonObject().put("type", "ping"));
      }
      for (WsClient c : opened) {
        eventually(WsClient.TIMEOUT, () -> assertThat(c.isClosed() || !c.frames(x -> true).isEmpty()).isTrue());
      }
      long accepted = opened.stream().filter(c -> !c.isClosed()).count();
      // one bucket for the node: a burst of 3, then 3 a second, whichever instance accepted the socket
      assertThat(accepted).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(3 + (long) Math.ceil(3 * seconds));
    } finally {
      opened.forEach(WsClient::close);
      WsClient.await(rated.stop());
    }
  }

  @Test
  void the_process_runs_on_the_event_loops_roles_asks_for_and_tiers_sharing_one_loop_still_deliver() {
    int cores = Runtime.getRuntime().availableProcessors();
    Gateway wide = TestGateways.start("GATEWAY_ROLES_CONNECTION_INSTANCES", String.valueOf(cores + 1));
    try {
      assertThat(loops(wide)).as("left out: a loop per connection instance where they outnumber the cores")
          .isEqualTo(cores + 1);
    } finally {
      WsClient.await(wide.stop());
    }
    Gateway narrow = TestGateways.start("GATEWAY_ROLES_CONNECTION_INSTANCES", TWO, "GATEWAY_ROLES_EVENT_LOOPS", "1");
    List<WsClient> open = new ArrayList<>();
    try {
      assertThat(loops(narrow)).isEqualTo(1);
      for (int i = 0; i < 4; i++) {
        WsClient ws = WsClient.connect(clients, narrow.httpPort(), "user=u" + i);
        ws.subscribe("chat:one-loop");
        open.add(ws);
      }
      open.get(0).publish("chat:one-loop", new JsonObject().put("n", 1));
      for (WsClient ws : open) {
        assertThat(ws.awaitMessages("chat:one-loop", 1).get(0).getJsonObject("data").getInteger("n")).isEqualTo(1);
      }
    } finally {
      open.forEach(WsClient::close);
      WsClient.await(narrow.stop());
    }
  }

  private static int loops(Gateway gateway) {
    int n = 0;
    for (var ignored : ((io.vertx.core.internal.VertxInternal) gateway.vertx()).eventLoopGroup()) {
      n++;
    }
    return n;
  }

  @Test
  void a_publish_reaches_both_instances_and_metrics_count_both() {
    Gateway gateway = TestGateways.start("GATEWAY_ROLES_CONNECTION_INSTANCES", TWO);
    List<WsClient> open = new ArrayList<>();
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      Scrape before = Scrape.of(http, "/metrics");
      String channel = "chat:cores-publish";
      for (int i = 0; i < 4; i++) {
        WsClient ws = WsClient.connect(clients, gateway.httpPort(), "user=u" + i);
        ws.await(f -> "connected".equals(f.getString("type")));
        open.add(ws);
      }
      int personal = http.get("/health").json().getInteger("channels");
      open.forEach(ws -> ws.subscribe(channel));
      assertThat(http.get("/health").json().getInteger("channels") - personal).as("subscribers on both instances")
          .isEqualTo(2);
      Scrape during = Scrape.of(http, "/metrics");
      assertThat(during.since(before, "rtgw_connections{transport=\"ws\"}")).isEqualTo(4);
      open.get(0).publish(channel, new JsonObject().put("n", 1));
      for (WsClient ws : open) {
        assertThat(ws.awaitMessages(channel, 1).get(0).getJsonObject("data").getInteger("n")).isEqualTo(1);
      }
    } finally {
      open.forEach(WsClient::close);
      WsClient.await(gateway.stop());
    }
  }

  @Test
  void a_drain_ends_the_clients_of_every_instance() {
    Gateway gateway = TestGateways.start("GATEWAY_ROLES_CONNECTION_INSTANCES", TWO, "GATEWAY_HTTP_DRAIN_MS", "1000");
    List<WsClient> open = new ArrayList<>();
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      for (int i = 0; i < 6; i++) {
        WsClient ws = WsClient.connect(clients, gateway.httpPort(), null);
        ws.subscribe("chat:cores-drain");
        open.add(ws);
      }
      assertThat(http.get("/health").json().getInteger("channels")).as("clients on both instances").isEqualTo(2);
      WsClient.await(gateway.stop());
      for (WsClient ws : open) {
        assertThat(ws.await(f -> "reconnect".equals(f.getString("type")))).isNotNull();
        eventually(WsClient.TIMEOUT, () -> assertThat(ws.isClosed()).isTrue());
      }
    } finally {
      open.forEach(WsClient::close);
    }
  }
}
