package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Presence over WebSocket: join/leave events, multi-tab counting, queries, and TTL expiry. */
class PresenceTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_PRESENCE_HEARTBEAT_MS", "200",
      "GATEWAY_PRESENCE_SWEEP_MS", "50");
  /**
   * When set, the gateway's own bus drops every presence report and lease renewal: heartbeats stop,
   * nothing else changes.
   */
  private static final AtomicBoolean heartbeatsLost = new AtomicBoolean();

  @BeforeAll
  static void letHeartbeatsBeLost() {
    gateway.vertx().eventBus().addOutboundInterceptor(ctx -> {
      if (heartbeatsLost.get() && (ctx.message().address().equals(Addresses.PRESENCE_REPORT)
          || ctx.message().address().equals(Addresses.PRESENCE_LEASE))) {
        return;
      }
      ctx.next();
    });
  }

  private WsClient connect(String user) {
    return gateway.ws("user=" + user);
  }

  @Test
  void subscribers_see_others_join_and_leave() {
    try (WsClient alice = connect("alice")) {
      alice.subscribe("chat:lobby");
      alice.await(f -> isEvent(f, "join", "chat:lobby", "alice"));
      WsClient bob = connect("bob");
      bob.subscribe("chat:lobby");
      JsonObject join = alice.await(f -> isEvent(f, "join", "chat:lobby", "bob"));
      assertThat(join.getString("client")).isNotBlank();
      assertThat(members(alice, "chat:lobby")).containsExactlyInAnyOrder(member("alice", 1), member("bob", 1));
      bob.close();
      alice.await(f -> isEvent(f, "leave", "chat:lobby", "bob"));
      assertThat(members(alice, "chat:lobby")).containsExactly(member("alice", 1));
    }
  }

  @Test
  void a_user_with_several_tabs_joins_once_and_leaves_with_the_last_tab() {
    try (WsClient watcher = connect("watcher")) {
      watcher.subscribe("chat:tabs");
      WsClient tab1 = connect("carol");
      WsClient tab2 = connect("carol");
      tab1.subscribe("chat:tabs");
      watcher.await(f -> isEvent(f, "join", "chat:tabs", "carol"));
      tab2.subscribe("chat:tabs");
      awaitMembers(watcher, "chat:tabs", new JsonArray().add(member("carol", 2)).add(member("watcher", 1)));
      tab1.close();
      awaitMembers(watcher, "chat:tabs", new JsonArray().add(member("carol", 1)).add(member("watcher", 1)));
      assertThat(watcher.frames(f -> isEvent(f, "leave", "chat:tabs", "carol"))).isEmpty();
      tab2.request(new JsonObject().put("type", "unsubscribe").put("channel", "chat:tabs"));
      watcher.await(f -> isEvent(f, "leave", "chat:tabs", "carol"));
      assertThat(watcher.frames(f -> isEvent(f, "join", "chat:tabs", "carol"))).hasSize(1);
      tab2.close();
    }
  }

  @Test
  void presence_is_refused_where_the_namespace_has_it_off_and_anonymous_clients_are_not_listed() {
    try (WsClient c = connect("dan"); WsClient anon = gateway.ws(null)) {
      JsonObject off = c.request(new JsonObject().put("type", "presence").put("channel", "news:x"));
      assertThat(off.getString("code")).isEqualTo("forbidden");
      anon.subscribe("chat:anon");
      c.subscribe("chat:anon");
      c.await(f -> isEvent(f, "join", "chat:anon", "dan"));
      assertThat(members(c, "chat:anon")).containsExactly(member("dan", 1));
    }
  }

  @Test
  void clients_whose_heartbeats_stop_leave_after_the_ttl() throws Exception {
    try (WsClient watcher = connect("observer"); WsClient ghost = connect("ghost")) {
      watcher.subscribe("chat:ttl");
      ghost.subscribe("chat:ttl");
      watcher.await(f -> isEvent(f, "join", "chat:ttl", "ghost"));
      long lost = System.currentTimeMillis();
      heartbeatsLost.set(true);
      try {
        // nobody disconnected and the cluster did not change: only the TTL can end it
        watcher.await(f -> isEvent(f, "leave", "chat:ttl", "ghost"));
        assertThat(System.currentTimeMillis() - lost).isLessThan(5_000);
      } finally {
        heartbeatsLost.set(false);
      }
      // heartbeats back: the registry heals from the next refresh
      watcher.await(f -> frameCount(watcher, "join", "ghost") == 2);
    }
  }

  @Test
  void a_poll_client_is_present_while_it_polls_and_leaves_a_ttl_after_it_stops() throws Exception {
    try (WsClient watcher = connect("watcher-p"); HttpCalls http = new HttpCalls(gateway.port())) {
      watcher.subscribe("chat:polls");
      for (int i = 0; i < 5; i++) {
        assertThat(http.get("/messages?channel=chat:polls&user=paula&client=tab-1").status()).isEqualTo(200);
        if (i == 0) {
          watcher.await(f -> isEvent(f, "join", "chat:polls", "paula"));
        }
        // real time on purpose: polls 200 ms apart must keep her present through a 600 ms TTL
        Thread.sleep(200);
      }
      // polling every 200 ms (TTL 600 ms here) kept her present; now she stops
      assertThat(watcher.frames(f -> isEvent(f, "leave", "chat:polls", "paula"))).isEmpty();
      long stopped = System.currentTimeMillis();
      watcher.await(f -> isEvent(f, "leave", "chat:polls", "paula"));
      assertThat(System.currentTimeMillis() - stopped).isLessThan(5_000);
    }
  }

  @Test
  void an_open_sse_stream_keeps_its_user_present_and_closing_it_leaves() {
    try (WsClient watcher = connect("watcher-s")) {
      watcher.subscribe("chat:streams");
      SseClient stream = gateway.sse("/sse?channel=chat:streams&user=sam");
      watcher.await(f -> isEvent(f, "join", "chat:streams", "sam"));
      // the stream itself carries presence events of its channels
      stream.await(e -> "join".equals(e.type()) && "sam".equals(e.json().getString("user")));
      stream.close();
      watcher.await(f -> isEvent(f, "leave", "chat:streams", "sam"));
    }
  }

  @Test
  void services_query_presence_on_the_bus() {
    try (WsClient c = connect("erin")) {
      c.subscribe("chat:svc");
      c.await(f -> isEvent(f, "join", "chat:svc", "erin"));
      JsonObject reply = WsClient.await(gateway.vertx().eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY,
          new JsonObject().put("channel", "chat:svc"))).body();
      assertThat(reply.getJsonArray("members")).containsExactly(member("erin", 1));
    }
  }

  private static long frameCount(WsClient c, String type, String user) {
    return c.frames(f -> type.equals(f.getString("type")) && user.equals(f.getString("user"))).size();
  }

  private static boolean isEvent(JsonObject f, String type, String channel, String user) {
    return type.equals(f.getString("type")) && channel.equals(f.getString("channel")) && user.equals(f.getString("user"));
  }

  private static JsonObject member(String user, int clients) {
    return new JsonObject().put("user", user).put("clients", clients);
  }

  private static JsonArray members(WsClient c, String channel) {
    return c.request(new JsonObject().put("type", "presence").put("channel", channel)).getJsonArray("members");
  }

  private static void awaitMembers(WsClient c, String channel, JsonArray expected) {
    eventually(Duration.ofSeconds(10), () -> assertThat(members(c, channel)).isEqualTo(expected));
  }
}
