package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.service.ChannelMessage;
import io.rtgw.service.GatewayAddresses;
import io.rtgw.service.HistoryPage;
import io.rtgw.service.Member;
import io.rtgw.service.Position;
import io.rtgw.service.ProtocolCode;
import io.rtgw.service.Published;
import io.rtgw.service.RtgwException;
import io.rtgw.service.RtgwService;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service in its own clustered Vertx (a Hazelcast member configured as the gateway's members are)
 * uses rtgw-service-client against a real gateway node: publish, presence and history through the
 * helper, seen by a WebSocket client. Started once for the class: a Hazelcast member takes seconds here.
 */
class ServiceClientGatewayTest {

  private static Gateway node;
  private static Vertx serviceVertx;
  private static RtgwService service;
  private static Vertx clients;

  @BeforeAll
  static void startCluster() {
    String name = "rtgw-test-" + UUID.randomUUID();
    int nodePort = Ports.free();
    int servicePort = Ports.free();
    String members = "127.0.0.1:" + nodePort + ",127.0.0.1:" + servicePort;
    node = WsClient.await(Gateway.start(TestGateways.clustered(name, nodePort, members, true)));
    // what a service does to join: the gateway's cluster settings for its own member, no gateway verticles
    var cluster = TestGateways.clustered(name, servicePort, members, false).cluster();
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(cluster.busHost()).setPort(cluster.busPort());
    serviceVertx = WsClient.await(Vertx.builder().with(options).withClusterManager(ClusterFactory.create(cluster)).buildClustered());
    service = RtgwService.create(serviceVertx, "orders-svc");
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() {
    if (clients != null) {
      WsClient.await(clients.close());
    }
    if (serviceVertx != null) {
      WsClient.await(serviceVertx.close());
    }
    if (node != null) {
      WsClient.await(node.stop());
    }
  }

  private static RtgwException failure(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(RtgwException.class);
      return (RtgwException) e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void the_helper_speaks_the_public_addresses_of_the_protocol_module() {
    assertThat(GatewayAddresses.PUBLISH).isEqualTo(Addresses.PUBLISH);
    assertThat(GatewayAddresses.PRESENCE_QUERY).isEqualTo(Addresses.PRESENCE_QUERY);
    assertThat(GatewayAddresses.HISTORY_QUERY).isEqualTo(Addresses.HISTORY_QUERY);
  }

  @Test
  void a_publish_through_the_helper_reaches_a_subscriber_with_the_service_as_sender() {
    try (WsClient alice = WsClient.connect(clients, node.httpPort(), "user=alice")) {
      JsonObject sub = alice.subscribe("chat:orders");
      Published published = WsClient.await(service.publish("chat:orders", new JsonObject().put("order", 42)));
      assertThat(published).isEqualTo(new Published("chat:orders", sub.getString("epoch"), sub.getLong("offset") + 1));
      JsonObject msg = alice.awaitMessages("chat:orders", 1).get(0);
      assertThat(msg.getString("from")).isEqualTo("orders-svc");
      assertThat(msg.getJsonObject("data")).isEqualTo(new JsonObject().put("order", 42));
      assertThat(msg.getLong("offset")).isEqualTo(published.offset());
    }
  }

  @Test
  void a_repeated_key_is_published_once_and_gets_the_first_answer() {
    Published first = WsClient.await(service.publish("news:keyed", "once", "k-1"));
    Published again = WsClient.await(service.publish("news:keyed", "twice", "k-1"));
    assertThat(again).isEqualTo(first);
    HistoryPage page = WsClient.await(service.history("news:keyed", new Position(first.epoch(), 0), 10));
    assertThat(page.messages()).extracting(ChannelMessage::data).containsExactly("once");
  }

  @Test
  void history_pages_through_what_was_published_in_order() {
    Published start = WsClient.await(service.publish("feed:ticks", 0));
    for (int i = 1; i <= 5; i++) {
      WsClient.await(service.publish("feed:ticks", i));
    }
    HistoryPage first = WsClient.await(service.history("feed:ticks", start.position(), 3));
    assertThat(first.recovered()).isTrue();
    assertThat(first.offset()).isEqualTo(start.offset() + 5);
    assertThat(first.messages()).extracting(ChannelMessage::data).containsExactly(1, 2, 3);
    assertThat(first.messages()).extracting(ChannelMessage::from).containsOnly("orders-svc");
    HistoryPage rest = WsClient.await(service.history("feed:ticks", first.next(), 100));
    assertThat(rest.messages()).extracting(ChannelMessage::data).containsExactly(4, 5);
    // no position: from the oldest message retained (the channel is this test's alone)
    HistoryPage all = WsClient.await(service.history("feed:ticks", null, 100));
    assertThat(all.messages()).extracting(ChannelMessage::data).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(all.next()).isEqualTo(new Position(start.epoch(), start.offset() + 5));
    HistoryPage lost = WsClient.await(service.history("feed:ticks", new Position("another-epoch", 2), 100));
    assertThat(lost.recovered()).isFalse();
  }

  @Test
  void presence_lists_the_users_subscribed_on_the_gateway() {
    try (WsClient bob = WsClient.connect(clients, node.httpPort(), "user=bob");
         WsClient bob2 = WsClient.connect(clients, node.httpPort(), "user=bob");
         WsClient carol = WsClient.connect(clients, node.httpPort(), "user=carol")) {
      bob.subscribe("chat:present");
      bob2.subscribe("chat:present");
      carol.subscribe("chat:present");
      eventually(Duration.ofSeconds(10), Duration.ofMillis(100), () -> assertThat(WsClient.await(service.presence("chat:present")))
          .containsExactlyInAnyOrder(new Member("bob", 2), new Member("carol", 1)));
    }
  }

  @Test
  void the_gateways_refusals_arrive_with_their_protocol_code() {
    RtgwException unknownNamespace = failure(service.publish("nowhere:x", 1));
    assertThat(unknownNamespace.code()).isEqualTo(ProtocolCode.BAD_REQUEST);
    assertThat(unknownNamespace.getMessage()).contains("nowhere");
    RtgwException badKey = failure(service.publish("chat:x", 1, ""));
    assertThat(badKey.code()).isEqualTo(ProtocolCode.BAD_REQUEST);
    assertThat(badKey.getMessage()).isEqualTo("The field 'key' must be 1 to 256 characters.");
    RtgwException noPresence = failure(service.presence("news:x"));
    assertThat(noPresence.code()).isEqualTo(ProtocolCode.FORBIDDEN);
    RtgwException badChannel = failure(service.history("chat:bad channel", null, 1));
    assertThat(badChannel.code()).isEqualTo(ProtocolCode.BAD_REQUEST);
  }
}
