package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.redis.RedisLink;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Presence on a real redis-server with two presence instances sharing the registry, both sweeping every
 * 50 ms: WebSocket subscribers see every join and every leave exactly once, including leaves by TTL
 * expiry and by a departed node that every instance hears about twice. And what they see while Redis is
 * down and after it comes back empty.
 */
class RedisPresenceGatewayTest {

  private static final int PRESENCE_INSTANCES = 2;
  private static final long HEARTBEAT_MS = 200;
  private static final long TTL_MS = 3 * HEARTBEAT_MS;
  /**
   * How long a test waits after the events it expects for any that should not come: a second sweep's
   * copy would come within 50 ms, an entry put back by a report overtaken by its leave within a TTL.
   */
  private static final long SETTLE_MS = TTL_MS + 400;
  /** A stopped Redis refuses connections: queries fail at once, long before any timeout. */
  private static final long FAIL_FAST_MS = 3_000;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.withRedis(
      "GATEWAY_PRESENCE_STORE", "redis",
      "GATEWAY_ROLES_PRESENCE_INSTANCES", String.valueOf(PRESENCE_INSTANCES),
      "GATEWAY_PRESENCE_HEARTBEAT_MS", String.valueOf(HEARTBEAT_MS),
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
  void subscribers_see_each_join_and_each_leave_exactly_once() throws Exception {
    String channel = "chat:once";
    try (WsClient watcher = connect("watcher")) {
      watcher.subscribe(channel);
      List<WsClient> tabs = new ArrayList<>();
      List<String> users = List.of("ann", "ben", "cid", "deb", "eve");
      for (String user : users) {
        // ann and ben with two tabs each: they join with the first and leave with the second
        int count = user.equals("ann") || user.equals("ben") ? 2 : 1;
        for (int t = 0; t < count; t++) {
          WsClient tab = connect(user);
          tab.subscribe(channel);
          tabs.add(tab);
        }
        watcher.await(f -> isEvent(f, "join", channel, user));
      }
      awaitMembers(watcher, channel, new JsonArray().add(member("ann", 2)).add(member("ben", 2)).add(member("cid", 1))
          .add(member("deb", 1)).add(member("eve", 1)).add(member("watcher", 1)));

      tabs.forEach(WsClient::close);
      for (String user : users) {
        watcher.await(f -> isEvent(f, "leave", channel, user));
      }
      // real time on purpose: an event that must not come can only be waited out (a sweep, a TTL)
      Thread.sleep(SETTLE_MS);

      for (String user : users) {
        assertThat(count(watcher, "join", channel, user)).as("joins of " + user).isEqualTo(1);
        assertThat(count(watcher, "leave", channel, user)).as("leaves of " + user).isEqualTo(1);
      }
      assertThat(members(watcher, channel)).containsExactly(member("watcher", 1));
    }
  }

  @Test
  void clients_whose_heartbeats_stop_leave_exactly_once_after_the_ttl_and_come_back_once() throws Exception {
    List<String> channels = List.of("chat:ttl-a", "chat:ttl-b");
    List<String> ghosts = List.of("gus", "gil", "gwen");
    try (WsClient watcher = connect("observer")) {
      List<WsClient> sockets = new ArrayList<>();
      for (String channel : channels) {
        watcher.subscribe(channel);
        for (String ghost : ghosts) {
          WsClient c = connect(ghost);
          c.subscribe(channel);
          sockets.add(c);
          watcher.await(f -> isEvent(f, "join", channel, ghost));
        }
      }
      long lost = System.currentTimeMillis();
      heartbeatsLost.set(true);
      try {
        // nobody disconnected and the cluster did not change: only the TTL can end it, and two
        // instances sweep the same expired entries
        for (String channel : channels) {
          for (String ghost : ghosts) {
            watcher.await(f -> isEvent(f, "leave", channel, ghost));
          }
        }
        assertThat(System.currentTimeMillis() - lost).isLessThan(5_000);
        // real time on purpose: an event that must not come can only be waited out (a sweep, a TTL)
        Thread.sleep(SETTLE_MS);
        for (String channel : channels) {
          for (String ghost : ghosts) {
            assertThat(count(watcher, "leave", channel, ghost)).as(ghost + " leaving " + channel).isEqualTo(1);
          }
        }
      } finally {
        heartbeatsLost.set(false);
      }

      // heartbeats back: each entry is added again, with one join per user and channel
      for (String channel : channels) {
        for (String ghost : ghosts) {
          watcher.await(f -> count(watcher, "join", channel, ghost) == 2);
        }
      }
      // real time on purpose: an event that must not come can only be waited out (a sweep, a TTL)
      Thread.sleep(SETTLE_MS);
      for (String channel : channels) {
        for (String ghost : ghosts) {
          assertThat(count(watcher, "join", channel, ghost)).as(ghost + " joining " + channel).isEqualTo(2);
          assertThat(count(watcher, "leave", channel, ghost)).as(ghost + " leaving " + channel).isEqualTo(1);
        }
      }
      sockets.forEach(WsClient::close);
    }
  }

  @Test
  void a_departed_node_announced_twice_to_both_instances_makes_each_user_leave_once() throws Exception {
    String channel = "chat:departed";
    List<String> users = List.of("hana", "hugo");
    try (WsClient watcher = connect("onlooker")) {
      watcher.subscribe(channel);
      List<WsClient> sockets = new ArrayList<>();
      for (String user : users) {
        WsClient c = connect(user);
        c.subscribe(channel);
        sockets.add(c);
        watcher.await(f -> isEvent(f, "join", channel, user));
      }
      // held back while the node's entries go, so that no refresh puts one back between two removals
      heartbeatsLost.set(true);
      try {
        // as in a cluster: every surviving process publishes the departure, and every presence instance
        // hears each announcement. The node here is this very process, which keeps its clients.
        gateway.vertx().eventBus().publish(Addresses.NODE_LEFT, gateway.nodeId());
        gateway.vertx().eventBus().publish(Addresses.NODE_LEFT, gateway.nodeId());
        for (String user : users) {
          watcher.await(f -> isEvent(f, "leave", channel, user));
        }
        // real time on purpose: an event that must not come can only be waited out (a sweep, a TTL)
        Thread.sleep(SETTLE_MS);
        for (String user : users) {
          assertThat(count(watcher, "leave", channel, user)).as("leaves of " + user).isEqualTo(1);
        }
      } finally {
        heartbeatsLost.set(false);
      }
      // the node is alive after all: its next heartbeat brings its users back, once each
      for (String user : users) {
        watcher.await(f -> count(watcher, "join", channel, user) == 2);
      }
      sockets.forEach(WsClient::close);
    }
  }

  @Test
  void while_redis_is_down_presence_queries_fail_fast_and_presence_heals_once_it_is_back() {
    String channel = "chat:outage";
    try (WsClient watcher = connect("warden"); WsClient user = connect("uma")) {
      watcher.subscribe(channel);
      user.subscribe(channel);
      watcher.await(f -> isEvent(f, "join", channel, "uma"));
      gateway.redis().stop();

      long started = System.nanoTime();
      JsonObject failed = watcher.request(new JsonObject().put("type", "presence").put("channel", channel));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(failed.getString("type")).as(failed.encode()).isEqualTo("error");
      assertThat(failed.getString("code")).isEqualTo("unavailable");
      assertThat(failed.getString("message")).contains("presence store (Redis)");
      assertThat(ms).isLessThan(FAIL_FAST_MS);
      assertThat(watcher.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");

      // back, and empty: the next heartbeats put every live entry back, each user with a join
      gateway.redis().restart();
      watcher.await(f -> count(watcher, "join", channel, "uma") == 2);
      awaitBothInstancesBack(watcher, channel);
      assertThat(members(watcher, channel)).containsExactly(member("uma", 1), member("warden", 1));
      assertThat(watcher.isClosed()).isFalse();
    } finally {
      if (!gateway.redis().isRunning()) {
        gateway.redis().restart();
      }
    }
  }

  /**
   * Each instance reconnects on its own backoff, and queries go round-robin over the two: answers in a
   * row from both mean both are back.
   */
  private static void awaitBothInstancesBack(WsClient c, String channel) {
    eventually(Duration.ofMillis(RedisLink.MAX_BACKOFF_MS + 5_000), Duration.ofMillis(50), () -> {
      for (int i = 0; i < 2 * PRESENCE_INSTANCES; i++) {
        JsonObject reply = c.request(new JsonObject().put("type", "presence").put("channel", channel));
        assertThat(reply.getString("type")).as("presence back within the reconnect backoff: " + reply.encode())
            .isEqualTo("presence");
      }
    });
  }

  private static long count(WsClient c, String type, String channel, String user) {
    return c.frames(f -> isEvent(f, type, channel, user)).size();
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

  /** Joins are reported within a few milliseconds, not at once: a second tab shows up a moment later. */
  private static void awaitMembers(WsClient c, String channel, JsonArray expected) {
    eventually(Duration.ofSeconds(10), () -> assertThat(members(c, channel)).isEqualTo(expected));
  }
}
