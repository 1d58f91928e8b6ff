package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three clustered gateways in one JVM (a core with every tier, two connection-only edges), lifecycle
 * events and control on: occupancy is decided once for the cluster, and control reaches a user's
 * connections wherever they are. The application listens on an edge's bus, so every event crosses it.
 */
class LifecycleClusterTest {

  private static final List<Gateway> nodes = new ArrayList<>();
  private static Vertx clients;
  private static LifecycleLog log;

  @BeforeAll
  static void startCluster() {
    String name = "rtgw-life-" + UUID.randomUUID();
    int[] ports = {Ports.free(), Ports.free(), Ports.free()};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    for (int i = 0; i < 3; i++) {
      nodes.add(WsClient.await(Gateway.start(TestGateways.clustered(name, ports[i], members, i == 0,
          "GATEWAY_EVENTS_ENABLED", "true", "GATEWAY_EVENTS_BATCH_MS", "20", "GATEWAY_CONTROL_ENABLED", "true"))));
    }
    clients = Vertx.vertx();
    log = new LifecycleLog(nodes.get(2).vertx());
  }

  @AfterAll
  static void stopCluster() {
    if (log != null) {
      log.close();
    }
    if (clients != null) {
      WsClient.await(clients.close());
    }
    for (int i = nodes.size() - 1; i >= 0; i--) {
      WsClient.await(nodes.get(i).stop());
    }
  }

  @Test
  void each_channel_is_occupied_once_and_vacated_once_across_three_nodes() {
    String prefix = "chat:occ-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    int channels = 12;
    List<WsClient> open = new ArrayList<>();
    try {
      // two clients on each node, every one in every channel, subscribing all at once
      for (Gateway node : nodes) {
        for (int c = 0; c < 2; c++) {
          open.add(WsClient.connect(clients, node.httpPort(), "user=occ-" + open.size()));
        }
      }
      for (int ch = 0; ch < channels; ch++) {
        for (WsClient ws : open) {
          ws.send(new JsonObject().put("id", ch).put("type", "subscribe").put("channel", prefix + ch));
        }
      }
      for (WsClient ws : open) {
        for (int ch = 0; ch < channels; ch++) {
          String channel = prefix + ch;
          ws.await(f -> "subscribed".equals(f.getString("type")) && channel.equals(f.getString("channel")));
        }
      }
      for (int ch = 0; ch < channels; ch++) {
        log.await("occupied", "channel", prefix + ch);
      }
      // half the clients go: each channel keeps subscribers on some node, so nothing is vacated
      for (int i = 0; i < open.size(); i += 2) {
        open.get(i).close();
      }
      for (int i = 0; i < open.size(); i += 2) {
        open.get(i).awaitClose();
      }
      for (int i = 0; i < open.size(); i += 2) {
        String user = "occ-" + i;
        log.await("disconnected", "user", user);
      }
    } finally {
      open.forEach(WsClient::close);
    }
    for (int ch = 0; ch < channels; ch++) {
      log.await("vacated", "channel", prefix + ch);
    }
    // settle: a second decision would have been published by now
    eventually(Duration.ofSeconds(5), () -> {
      for (int ch = 0; ch < 12; ch++) {
        String channel = prefix + ch;
        assertThat(log.of("occupied", "channel", channel)).as(channel).hasSize(1);
        assertThat(log.of("vacated", "channel", channel)).as(channel).hasSize(1);
        assertThat(log.of("subscribed", "channel", channel)).as(channel).hasSize(6);
        assertThat(log.of("unsubscribed", "channel", channel)).as(channel).hasSize(6);
      }
    });
    // a vacated channel comes after its occupied, and after its last subscriber's unsubscribed
    List<JsonObject> all = log.all(e -> e.getString("channel", "").startsWith(prefix));
    for (int ch = 0; ch < channels; ch++) {
      String channel = prefix + ch;
      int occupied = indexOf(all, "occupied", channel);
      assertThat(occupied).isLessThan(indexOf(all, "vacated", channel));
    }
  }

  @Test
  void control_disconnects_a_user_connected_on_two_nodes_and_counts_across_the_cluster() {
    String user = "both-" + UUID.randomUUID().toString().substring(0, 6);
    String channel = "chat:" + user;
    try (WsClient onB = WsClient.connect(clients, nodes.get(1).httpPort(), "user=" + user);
         WsClient onC = WsClient.connect(clients, nodes.get(2).httpPort(), "user=" + user);
         WsClient watcher = WsClient.connect(clients, nodes.get(0).httpPort(), "user=watcher-" + user)) {
      String b = onB.await(f -> "connected".equals(f.getString("type"))).getString("client");
      String c = onC.await(f -> "connected".equals(f.getString("type"))).getString("client");
      eventually(Duration.ofSeconds(10), () -> assertThat(control(new JsonObject().put("op", "connections")
          .put("user", user)).getJsonArray("connections")).hasSize(2));
      JsonObject listed = control(new JsonObject().put("op", "connections").put("user", user));
      assertThat(listed.getJsonArray("connections").stream().map(o -> ((JsonObject) o).getString("node")).distinct())
          .containsExactlyInAnyOrder(nodes.get(1).nodeId(), nodes.get(2).nodeId());

      // asked on the core, carried out on both edges
      assertThat(control(new JsonObject().put("op", "subscribe").put("user", user).put("channel", channel))
          .getInteger("connections")).isEqualTo(2);
      onB.await(f -> "subscribed".equals(f.getString("type")) && channel.equals(f.getString("channel")));
      onC.await(f -> "subscribed".equals(f.getString("type")) && channel.equals(f.getString("channel")));
      watcher.subscribe(channel);
      eventually(Duration.ofSeconds(10), () -> assertThat(control(new JsonObject().put("op", "count")
          .put("channel", channel))).isEqualTo(new JsonObject().put("connections", 3).put("subscribers", 2)));

      JsonObject answer = control(new JsonObject().put("op", "disconnect").put("user", user));
      assertThat(answer.getInteger("disconnected")).isEqualTo(2);
      assertThat(onB.awaitClose()).isEqualTo((short) 4002);
      assertThat(onC.awaitClose()).isEqualTo((short) 4002);
      assertThat(onB.await(f -> "disconnect".equals(f.getString("type"))).getBoolean("reconnect")).isTrue();
      assertThat(log.await("disconnected", "client", b).getString("reason")).isEqualTo("disconnected by the application");
      assertThat(log.await("disconnected", "client", c).getInteger("code")).isEqualTo(4002);
      assertThat(watcher.isClosed()).isFalse();
      eventually(Duration.ofSeconds(10), () -> assertThat(control(new JsonObject().put("op", "connections")
          .put("user", user)).getJsonArray("connections")).isEmpty());
    }
  }

  private static int indexOf(List<JsonObject> events, String type, String channel) {
    for (int i = 0; i < events.size(); i++) {
      if (type.equals(events.get(i).getString("type")) && channel.equals(events.get(i).getString("channel"))) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " of " + channel);
  }

  private static JsonObject control(JsonObject request) {
    return WsClient.await(nodes.get(0).vertx().eventBus().<JsonObject>request(Addresses.CONTROL, request)).body();
  }
}
