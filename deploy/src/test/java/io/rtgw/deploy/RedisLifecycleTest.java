package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.ConnectionEntry;
import io.rtgw.protocol.ConnectionReport;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The connection registry on a real redis-server, shared by two presence instances, with two connection
 * instances reporting: occupancy is still decided once per channel, and a departed node, announced
 * twice (each instance hears it), still disconnects each of its connections once.
 */
class RedisLifecycleTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.withRedis(
      "GATEWAY_PRESENCE_STORE", "redis",
      "GATEWAY_ROLES_PRESENCE_INSTANCES", "2",
      "GATEWAY_ROLES_CONNECTION_INSTANCES", "2",
      "GATEWAY_EVENTS_ENABLED", "true",
      "GATEWAY_EVENTS_BATCH_MS", "20",
      "GATEWAY_CONTROL_ENABLED", "true");

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
  void a_channel_held_by_both_connection_instances_is_occupied_once_and_vacated_once() {
    String channel = "chat:redis-" + UUID.randomUUID().toString().substring(0, 6);
    List<WsClient> open = new ArrayList<>();
    try {
      // successive connections land on the two instances in turn
      for (int i = 0; i < 6; i++) {
        open.add(gateway.ws("user=r" + i));
      }
      for (WsClient ws : open) {
        ws.send(new JsonObject().put("id", 1).put("type", "subscribe").put("channel", channel));
      }
      for (WsClient ws : open) {
        ws.await(f -> "subscribed".equals(f.getString("type")) && channel.equals(f.getString("channel")));
      }
      log.await("occupied", "channel", channel);
      eventually(Duration.ofSeconds(10), () -> assertThat(LifecycleEventsTestSupport.count(gateway, channel))
          .isEqualTo(new JsonObject().put("connections", 6).put("subscribers", 6)));
    } finally {
      open.forEach(WsClient::close);
    }
    log.await("vacated", "channel", channel);
    eventually(Duration.ofSeconds(5), () -> {
      assertThat(log.of("occupied", "channel", channel)).hasSize(1);
      assertThat(log.of("vacated", "channel", channel)).hasSize(1);
      assertThat(log.of("subscribed", "channel", channel).stream().map(e -> e.getString("user")).distinct()).hasSize(6);
    });
  }

  @Test
  void a_departed_node_announced_twice_disconnects_each_of_its_connections_once() {
    String ghost = "ghost-" + UUID.randomUUID();
    String shared = "chat:shared-" + ghost.substring(6, 12);
    String only = "chat:only-" + ghost.substring(6, 12);
    try (WsClient here = gateway.ws("user=stays")) {
      here.subscribe(shared);
      log.await("occupied", "channel", shared);
      List<ConnectionEntry> opened = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        opened.add(new ConnectionEntry(ghost + "-c" + i, "g" + i, "ws", ghost, ghost + "/1", System.currentTimeMillis()));
      }
      // what a connection instance of another node would have reported
      gateway.vertx().eventBus().send(Addresses.CONNECTION_REPORT,
          new ConnectionReport(ghost, ghost + "/1", opened, List.of(), List.of(shared, only), List.of()));
      log.await("occupied", "channel", only);
      eventually(Duration.ofSeconds(10), () -> assertThat(LifecycleEventsTestSupport.connections(gateway, "g1"))
          .hasSize(1));

      gateway.vertx().eventBus().publish(Addresses.NODE_LEFT, ghost);
      gateway.vertx().eventBus().publish(Addresses.NODE_LEFT, ghost);
      for (int i = 0; i < 3; i++) {
        JsonObject gone = log.await("disconnected", "client", ghost + "-c" + i);
        assertThat(gone.getString("reason")).isEqualTo("node left");
        assertThat(gone.getString("node")).isEqualTo(ghost);
        assertThat(gone.getString("user")).isEqualTo("g" + i);
      }
      log.await("vacated", "channel", only);
      // the other presence instance heard the same notice: nothing more comes of it
      eventually(Duration.ofSeconds(3), () -> {
        for (int i = 0; i < 3; i++) {
          assertThat(log.of("disconnected", "client", ghost + "-c" + i)).hasSize(1);
        }
        assertThat(log.of("vacated", "channel", only)).hasSize(1);
      });
      assertThat(log.of("vacated", "channel", shared)).isEmpty();
      assertThat(LifecycleEventsTestSupport.connections(gateway, "g1")).isEmpty();
      assertThat(LifecycleEventsTestSupport.connections(gateway, "stays")).hasSize(1);
    }
  }
}
