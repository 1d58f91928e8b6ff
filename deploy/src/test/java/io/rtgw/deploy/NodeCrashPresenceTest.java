package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A connection node crashes: its Hazelcast member is terminated abruptly (no goodbye, no presence
 * leaves from the node itself). The surviving node's presence tier must drop the crashed node's users
 * at once, from the membership event, well before their TTL (set to a minute here).
 */
class NodeCrashPresenceTest {

  private static Gateway core;
  private static Gateway edge;
  private static Vertx clients;

  @BeforeAll
  static void startCluster() {
    String name = "rtgw-crash-" + UUID.randomUUID();
    int portA = Ports.free();
    int portB = Ports.free();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    core = WsClient.await(Gateway.start(TestGateways.clustered(name, portA, members, true, "GATEWAY_PRESENCE_HEARTBEAT_MS", "20000")));
    edge = WsClient.await(Gateway.start(TestGateways.clustered(name, portB, members, false, "GATEWAY_PRESENCE_HEARTBEAT_MS", "20000")));
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    WsClient.await(clients.close());
    // the crashed node's Vertx lost its cluster; close it without waiting on the cluster
    edge.vertx().close();
    WsClient.await(core.stop());
  }

  @Test
  void users_of_a_crashed_node_leave_at_once_on_the_surviving_node() {
    try (WsClient watcher = WsClient.connect(clients, core.httpPort(), "user=watcher");
         WsClient doomed = WsClient.connect(clients, edge.httpPort(), "user=doomed")) {
      watcher.subscribe("chat:crash");
      doomed.subscribe("chat:crash");
      watcher.await(f -> "join".equals(f.getString("type")) && "doomed".equals(f.getString("user")));

      HazelcastInstance edgeMember = Hazelcast.getAllHazelcastInstances().stream()
          .filter(h -> edge.nodeId().equals(h.getCluster().getLocalMember().getAttribute("__vertx.nodeId")))
          .findFirst().orElseThrow();
      long crashed = System.currentTimeMillis();
      edgeMember.getLifecycleService().terminate();

      JsonObject leave = watcher.await(f -> "leave".equals(f.getString("type")) && "doomed".equals(f.getString("user")));
      assertThat(leave.getString("channel")).isEqualTo("chat:crash");
      assertThat(System.currentTimeMillis() - crashed).isLessThan(20_000);
      JsonObject members = watcher.request(new JsonObject().put("type", "presence").put("channel", "chat:crash"));
      assertThat(members.getJsonArray("members")).containsExactly(new JsonObject().put("user", "watcher").put("clients", 1));
    }
  }
}
