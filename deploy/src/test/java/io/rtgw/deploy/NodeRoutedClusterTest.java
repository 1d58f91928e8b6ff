package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.multimap.MultiMap;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node-routed channels across two clustered processes in one JVM (as {@link ClusteredGatewayTest}): node
 * A runs every tier, node B only a connection tier. A user on B gets what is published on A, and neither
 * node registers anything in Hazelcast's subscription map for a personal channel: subscribing
 * {@link #CHANNELS} node-routed channels adds no entry, where as many per-channel-routed ones add one
 * each (the figures are logged for docs/SCALING.md).
 */
class NodeRoutedClusterTest {

  private static final Logger LOG = LoggerFactory.getLogger(NodeRoutedClusterTest.class);
  private static final int CHANNELS = Integer.getInteger("routed.channels", 2_000);
  private static final String SUBS = "__vertx.subs";

  private static Gateway nodeA;
  private static Gateway nodeB;
  private static Vertx clients;

  @BeforeAll
  static void startCluster() {
    String name = "rtgw-test-" + UUID.randomUUID();
    int portA = Ports.free();
    int portB = Ports.free();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    String[] env = {"GATEWAY_NAMESPACES_CHAT_ROUTING", "node",
        "GATEWAY_WEBSOCKET_MAX_SUBSCRIPTIONS", String.valueOf(CHANNELS + 100)};
    nodeA = WsClient.await(Gateway.start(TestGateways.clustered(name, portA, members, true, env)));
    nodeB = WsClient.await(Gateway.start(TestGateways.clustered(name, portB, members, false, env)));
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

  /** The cluster's subscription map, as any member sees it (both are in this JVM). */
  private static MultiMap<Object, Object> subscriptions() {
    return Hazelcast.getAllHazelcastInstances().iterator().next().getMultiMap(SUBS);
  }

  private static long entriesNaming(String text) {
    return subscriptions().keySet().stream().filter(k -> String.valueOf(k).contains(text)).count();
  }

  @Test
  void a_user_on_one_node_gets_what_is_published_on_the_other_and_no_node_registered_the_user() {
    try (WsClient carol = WsClient.connect(clients, nodeB.httpPort(), "user=carol");
         WsClient dan = WsClient.connect(clients, nodeA.httpPort(), "user=dan")) {
      long start = carol.await(f -> "subscribed".equals(f.getString("type")) && "user:carol".equals(f.getString("channel")))
          .getLong("offset");
      dan.await(f -> "subscribed".equals(f.getString("type")) && "user:dan".equals(f.getString("channel")));
      for (int i = 0; i < 20; i++) {
        dan.send(new JsonObject().put("type", "publish").put("channel", "user:carol").put("data", i));
      }
      assertThat(Offsets.of(carol.awaitMessages("user:carol", 20))).containsExactlyElementsOf(Offsets.range(start + 1, start + 20));
      assertThat(carol.messages("user:carol").get(0).getString("from")).isEqualTo("dan");
      assertThat(entriesNaming("user:")).as("subscription map entries for personal channels").isZero();
    }
  }

  @Test
  void subscribing_many_node_routed_channels_adds_nothing_to_the_subscription_map() {
    try (WsClient perChannel = WsClient.connect(clients, nodeB.httpPort(), null);
         WsClient routed = WsClient.connect(clients, nodeB.httpPort(), null)) {
      int newsAdded = subscribeMany(perChannel, "news");
      int chatAdded = subscribeMany(routed, "chat");
      assertThat(newsAdded).as("per-channel routing: one entry per channel and node").isGreaterThanOrEqualTo(CHANNELS);
      assertThat(chatAdded).as("node routing: none").isLessThanOrEqualTo(2);
      assertThat(entriesNaming("chat:many-")).isZero();
      // and a delivery reaches one of them across the cluster
      try (WsClient onA = WsClient.connect(clients, nodeA.httpPort(), null)) {
        onA.publish("chat:many-7", "across");
        eventually(Duration.ofSeconds(10), () -> assertThat(routed.messages("chat:many-7")).hasSize(1));
      }
    }
  }

  private int subscribeMany(WsClient c, String namespace) {
    c.request(new JsonObject().put("type", "ping"));
    int before = subscriptions().size();
    long started = System.nanoTime();
    int window = 500;
    for (int from = 0; from < CHANNELS; from += window) {
      int upTo = Math.min(CHANNELS, from + window);
      for (int i = from; i < upTo; i++) {
        c.send(new JsonObject().put("type", "subscribe").put("channel", namespace + ":many-" + i));
      }
      eventually(Duration.ofSeconds(120), () -> {
        assertThat(c.frames(f -> "error".equals(f.getString("type")))).isEmpty();
        assertThat(c.frames(f -> "subscribed".equals(f.getString("type"))).size()).isEqualTo(upTo);
      });
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    int added = subscriptions().size() - before;
    LOG.info("Subscribing {} {} channels ({}) on one clustered node: {} ms, {} subscription map entries added "
        + "({} before)", CHANNELS, namespace, namespace.equals("chat") ? "node-routed" : "per-channel", ms, added, before);
    return added;
  }
}
