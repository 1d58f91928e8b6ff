package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two clustered processes in one JVM (Hazelcast, TCP-IP join on 127.0.0.1): node A runs connection,
 * fanout and history; node B runs only a connection tier. They share nothing but the event bus.
 * Started once for the class: a Hazelcast member takes seconds to start on these machines.
 */
class ClusteredGatewayTest {

  private static Gateway nodeA;
  private static Gateway nodeB;
  private static Vertx clients;

  @BeforeAll
  static void startCluster() {
    String name = "rtgw-test-" + UUID.randomUUID();
    int portA = Ports.free();
    int portB = Ports.free();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    nodeA = WsClient.await(Gateway.start(TestGateways.clustered(name, portA, members, true)));
    nodeB = WsClient.await(Gateway.start(TestGateways.clustered(name, portB, members, false)));
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() {
    if (clients != null) {
      WsClient.await(clients.close());
    }
    if (nodeB != null) {
      WsClient.await(nodeB.stop());
    }
    if (nodeA != null) {
      WsClient.await(nodeA.stop());
    }
  }

  @Test
  void a_client_on_one_node_receives_what_a_client_on_the_other_publishes() {
    try (WsClient onA = WsClient.connect(clients, nodeA.httpPort(), "user=alice");
         WsClient onB = WsClient.connect(clients, nodeB.httpPort(), "user=bob")) {
      long start = onA.subscribe("chat:across").getLong("offset");
      onB.subscribe("chat:across");
      for (int i = 0; i < 50; i++) {
        onB.send(new JsonObject().put("type", "publish").put("channel", "chat:across").put("data", i));
      }
      assertThat(Offsets.of(onA.awaitMessages("chat:across", 50))).containsExactlyElementsOf(Offsets.range(start + 1, start + 50));
      assertThat(Offsets.of(onB.awaitMessages("chat:across", 50))).containsExactlyElementsOf(Offsets.range(start + 1, start + 50));
      assertThat(onA.messages("chat:across").get(0).getString("from")).isEqualTo("bob");
    }
  }

  @Test
  void a_service_on_another_cluster_member_publishes_through_rt_publish() {
    try (WsClient onA = WsClient.connect(clients, nodeA.httpPort(), null)) {
      long start = onA.subscribe("feed:prices").getLong("offset");
      // node B runs no fanout or history: its rt.publish request crosses the cluster
      JsonObject reply = WsClient.await(nodeB.vertx().eventBus().<JsonObject>request(Addresses.PUBLISH,
          new JsonObject().put("channel", "feed:prices").put("data", new JsonObject().put("eur", 1.08))
              .put("from", "pricing-svc"))).body();
      assertThat(reply.getLong("offset")).isEqualTo(start + 1);
      JsonObject msg = onA.awaitMessages("feed:prices", 1).get(0);
      assertThat(msg.getString("from")).isEqualTo("pricing-svc");
      assertThat(msg.getJsonObject("data").getDouble("eur")).isEqualTo(1.08);
    }
  }

  @Test
  void resume_on_the_other_node_continues_without_hole_or_duplicate() {
    try (WsClient publisher = WsClient.connect(clients, nodeA.httpPort(), null)) {
      JsonObject sub;
      long last;
      try (WsClient first = WsClient.connect(clients, nodeA.httpPort(), null)) {
        sub = first.subscribe("chat:move");
        for (int i = 0; i < 20; i++) {
          publisher.publish("chat:move", i);
        }
        last = first.awaitMessages("chat:move", 20).get(19).getLong("offset");
      }
      for (int i = 20; i < 30; i++) {
        publisher.publish("chat:move", i);
      }
      try (WsClient moved = WsClient.connect(clients, nodeB.httpPort(), null)) {
        JsonObject resumed = moved.subscribe("chat:move", sub.getString("epoch"), last);
        assertThat(resumed.getBoolean("recovered")).isTrue();
        for (int i = 30; i < 40; i++) {
          publisher.publish("chat:move", i);
        }
        assertThat(Offsets.of(moved.awaitMessages("chat:move", 20))).containsExactlyElementsOf(Offsets.range(last + 1, last + 20));
      }
    }
  }

  @Test
  void a_departure_notice_the_presence_tier_does_not_see_itself_drops_nobody() throws Exception {
    try (WsClient watcher = WsClient.connect(clients, nodeA.httpPort(), "user=watcher");
         WsClient onB = WsClient.connect(clients, nodeB.httpPort(), "user=carol")) {
      watcher.subscribe("chat:stale");
      onB.subscribe("chat:stale");
      watcher.await(f -> "join".equals(f.getString("type")) && "carol".equals(f.getString("user")));
      // what a member back from a freeze says of a node that is alive: node B is still a member here
      nodeB.vertx().eventBus().publish(Addresses.NODE_LEFT, nodeB.nodeId());
      // and the stale heartbeat of a node the cluster dropped
      nodeB.vertx().eventBus().send(Addresses.PRESENCE_REPORT, new io.rtgw.protocol.PresenceReport("dropped-node",
          java.util.List.of(new io.rtgw.protocol.PresenceEntry("chat:stale", "ghost", "c-1")), java.util.List.of(),
          java.util.List.of()));
      // a report from an unknown node is looked at again after one heartbeat interval (1 s)
      Thread.sleep(2_000);
      JsonObject members = watcher.request(new JsonObject().put("type", "presence").put("channel", "chat:stale"));
      assertThat(members.getJsonArray("members")).containsExactly(
          new JsonObject().put("user", "carol").put("clients", 1), new JsonObject().put("user", "watcher").put("clients", 1));
      assertThat(watcher.frames(f -> "leave".equals(f.getString("type")))).isEmpty();
      assertThat(watcher.frames(f -> "join".equals(f.getString("type")) && "ghost".equals(f.getString("user")))).isEmpty();
    }
  }
}
