package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.service.Affected;
import io.rtgw.service.ChannelMessage;
import io.rtgw.service.Connected;
import io.rtgw.service.Connection;
import io.rtgw.service.Counts;
import io.rtgw.service.Disconnected;
import io.rtgw.service.GatewayAddresses;
import io.rtgw.service.HistoryPage;
import io.rtgw.service.Member;
import io.rtgw.service.Occupied;
import io.rtgw.service.Position;
import io.rtgw.service.ProtocolCode;
import io.rtgw.service.Published;
import io.rtgw.service.Registration;
import io.rtgw.service.RtgwException;
import io.rtgw.service.RtgwService;
import io.rtgw.service.Subscribed;
import io.rtgw.service.Unsubscribed;
import io.rtgw.service.Vacated;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service in its own clustered Vertx (a Hazelcast lite member configured as the gateway's members are)
 * uses rtgw-service-client against real gateway nodes (a core with every tier and a connection-only
 * edge): publish, presence and history through the helper, seen by a WebSocket client; with events and
 * control on, the lifecycle events the helper hands the service as records and the control API it
 * calls, acting on real WebSocket and SSE clients on either node. Started once for the class: a
 * Hazelcast member takes seconds here.
 */
class ServiceClientGatewayTest {

  private static Gateway node;
  /** A connection-only node beside it, for control across nodes. */
  private static Gateway edge;
  private static Vertx serviceVertx;
  private static RtgwService service;
  private static Vertx clients;
  /** Every lifecycle event the service heard through the helper, as the records it was given, in order. */
  private static final List<Object> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startCluster() {
    String name = "rtgw-test-" + UUID.randomUUID();
    int nodePort = Ports.free();
    int edgePort = Ports.free();
    int servicePort = Ports.free();
    String members = "127.0.0.1:" + nodePort + ",127.0.0.1:" + edgePort + ",127.0.0.1:" + servicePort;
    // events.batchMs left at its default (200 ms), as in production: a control request made at once on a
    // connected event comes before the registry has heard of the connection
    node = WsClient.await(Gateway.start(TestGateways.clustered(name, nodePort, members, true,
        "GATEWAY_EVENTS_ENABLED", "true", "GATEWAY_CONTROL_ENABLED", "true")));
    edge = WsClient.await(Gateway.start(TestGateways.clustered(name, edgePort, members, false,
        "GATEWAY_EVENTS_ENABLED", "true", "GATEWAY_CONTROL_ENABLED", "true")));
    // what a service does to join: the gateway's cluster settings for its own member, no gateway verticles
    var cluster = TestGateways.clustered(name, servicePort, members, false).cluster();
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(cluster.busHost()).setPort(cluster.busPort());
    // and a lite member, as example-service joins by default: it holds none of the cluster's map partitions
    var hazelcast = ClusterFactory.hazelcastConfig(cluster).setLiteMember(true);
    serviceVertx = WsClient.await(Vertx.builder().with(options)
        .withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered());
    service = RtgwService.create(serviceVertx, "orders-svc");
    WsClient.await(Future.all(List.of(service.onConnected(events::add), service.onDisconnected(events::add),
        service.onSubscribed(events::add), service.onUnsubscribed(events::add), service.onOccupied(events::add),
        service.onVacated(events::add))));
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
    if (edge != null) {
      WsClient.await(edge.stop());
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
    assertThat(GatewayAddresses.CONTROL).isEqualTo(Addresses.CONTROL);
    assertThat(GatewayAddresses.CONNECTED).isEqualTo(Addresses.EVENTS_CONNECTED);
    assertThat(GatewayAddresses.DISCONNECTED).isEqualTo(Addresses.EVENTS_DISCONNECTED);
    assertThat(GatewayAddresses.SUBSCRIBED).isEqualTo(Addresses.EVENTS_SUBSCRIBED);
    assertThat(GatewayAddresses.UNSUBSCRIBED).isEqualTo(Addresses.EVENTS_UNSUBSCRIBED);
    assertThat(GatewayAddresses.OCCUPIED).isEqualTo(Addresses.EVENTS_OCCUPIED);
    assertThat(GatewayAddresses.VACATED).isEqualTo(Addresses.EVENTS_VACATED);
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

  // ---- lifecycle events and control through the helper

  private static String unique(String prefix) {
    return prefix + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The client id the gateway gave a WebSocket, from its {@code connected} frame. */
  private static String clientId(WsClient ws) {
    return ws.await(f -> "connected".equals(f.getString("type"))).getString("client");
  }

  private static <E> List<E> heard(Class<E> type, Predicate<E> p) {
    return events.stream().filter(type::isInstance).map(type::cast).filter(p).toList();
  }

  /** Waits until the service heard an event of {@code type} matching {@code p}; returns the first. */
  private static <E> E awaitEvent(Class<E> type, Predicate<E> p) {
    return eventually(Duration.ofSeconds(15), () -> {
      List<E> found = heard(type, p);
      assertThat(found).as("%s events matching among %s", type.getSimpleName(), events).isNotEmpty();
      return found.get(0);
    });
  }

  @Test
  void a_websocket_that_connects_and_closes_reaches_the_service_as_connected_then_disconnected() {
    String user = unique("life-");
    String client;
    long before = System.currentTimeMillis();
    try (WsClient ws = WsClient.connect(clients, node.httpPort(), "user=" + user)) {
      client = clientId(ws);
      Connected connected = awaitEvent(Connected.class, e -> e.client().equals(client));
      assertThat(connected).isEqualTo(new Connected(user, client, "ws", node.nodeId(), connected.ts()));
      assertThat(connected.ts()).isGreaterThanOrEqualTo(before);
    }
    Disconnected gone = awaitEvent(Disconnected.class, e -> e.client().equals(client));
    assertThat(gone).isEqualTo(new Disconnected(user, client, "ws", node.nodeId(), gone.ts(), "client closed", 1000));
    assertThat(heard(Connected.class, e -> e.client().equals(client))).hasSize(1);
  }

  @Test
  void an_anonymous_client_is_connected_with_no_user() {
    String client;
    try (WsClient ws = WsClient.connect(clients, node.httpPort(), null)) {
      client = clientId(ws);
      assertThat(awaitEvent(Connected.class, e -> e.client().equals(client)).user()).isNull();
    }
    assertThat(awaitEvent(Disconnected.class, e -> e.client().equals(client)).user()).isNull();
  }

  @Test
  void subscribing_and_unsubscribing_reach_the_service_with_the_channel_occupied_and_vacated_once() {
    String user = unique("sub-");
    String channel = "chat:" + user;
    try (WsClient first = WsClient.connect(clients, node.httpPort(), "user=" + user);
         WsClient second = WsClient.connect(clients, node.httpPort(), "user=" + user)) {
      String a = clientId(first);
      String b = clientId(second);
      first.subscribe(channel);
      Subscribed subscribed = awaitEvent(Subscribed.class, e -> e.channel().equals(channel));
      assertThat(subscribed).isEqualTo(new Subscribed(user, a, channel, node.nodeId(), subscribed.ts()));
      Occupied occupied = awaitEvent(Occupied.class, e -> e.channel().equals(channel));
      assertThat(occupied.ts()).isGreaterThan(0);
      second.subscribe(channel);
      awaitEvent(Subscribed.class, e -> e.channel().equals(channel) && e.client().equals(b));

      first.request(new JsonObject().put("type", "unsubscribe").put("channel", channel));
      Unsubscribed left = awaitEvent(Unsubscribed.class, e -> e.channel().equals(channel));
      assertThat(left).isEqualTo(new Unsubscribed(user, a, channel, node.nodeId(), left.ts()));
      // the second client still holds the channel: not vacated by the first one's leave
      second.request(new JsonObject().put("type", "unsubscribe").put("channel", channel));
      awaitEvent(Unsubscribed.class, e -> e.channel().equals(channel) && e.client().equals(b));
      Vacated vacated = awaitEvent(Vacated.class, e -> e.channel().equals(channel));
      assertThat(vacated.ts()).isGreaterThanOrEqualTo(occupied.ts());
      // a barrier rather than a sleep: the registry decides reports in order and the bus keeps one
      // sender's order, so a second decision about the channel would be heard before this one's vacated
      String barrier = channel + "-barrier";
      first.subscribe(barrier);
      // occupied first: a subscribe and unsubscribe within one report cancel out, deciding nothing
      awaitEvent(Occupied.class, e -> e.channel().equals(barrier));
      first.request(new JsonObject().put("type", "unsubscribe").put("channel", barrier));
      awaitEvent(Vacated.class, e -> e.channel().equals(barrier));
    }
    // the channel is this test's alone
    assertThat(heard(Occupied.class, e -> e.channel().equals(channel))).hasSize(1);
    assertThat(heard(Vacated.class, e -> e.channel().equals(channel))).hasSize(1);
    assertThat(heard(Subscribed.class, e -> e.channel().equals(channel))).hasSize(2);
    assertThat(heard(Unsubscribed.class, e -> e.channel().equals(channel))).hasSize(2);
    // the vacate follows the last unsubscribed in the order the service heard them
    int lastUnsubscribed = events.lastIndexOf(heard(Unsubscribed.class, e -> e.channel().equals(channel)).get(1));
    assertThat(events.indexOf(heard(Vacated.class, e -> e.channel().equals(channel)).get(0))).isGreaterThan(lastUnsubscribed);
  }

  @Test
  void disconnecting_a_user_closes_both_of_its_connections_with_the_code_and_tells_them_not_to_come_back() {
    String user = unique("cut-");
    try (WsClient first = WsClient.connect(clients, node.httpPort(), "user=" + user);
         WsClient second = WsClient.connect(clients, edge.httpPort(), "user=" + user);
         WsClient bystander = WsClient.connect(clients, node.httpPort(), "user=" + unique("other-"))) {
      String a = clientId(first);
      String b = clientId(second);
      clientId(bystander);
      List<Connection> listed = eventually(Duration.ofSeconds(10), () -> {
        List<Connection> c = WsClient.await(service.connections(user)).connections();
        assertThat(c).hasSize(2);
        return c;
      });
      assertThat(listed).extracting(Connection::client).containsExactlyInAnyOrder(a, b);
      assertThat(listed).extracting(Connection::transport).containsOnly("ws");
      assertThat(listed).extracting(Connection::node).containsExactlyInAnyOrder(node.nodeId(), edge.nodeId());
      assertThat(listed).allSatisfy(c -> assertThat(c.since()).isGreaterThan(0));
      assertThat(listed.get(0).since()).isLessThanOrEqualTo(listed.get(1).since());

      Affected cut = WsClient.await(service.disconnect(user, 4010, false));
      assertThat(cut).isEqualTo(new Affected(2, false));
      for (WsClient ws : List.of(first, second)) {
        assertThat(ws.awaitClose()).isEqualTo((short) 4010);
        assertThat(ws.frames(f -> "disconnect".equals(f.getString("type")))).containsExactly(new JsonObject()
            .put("type", "disconnect").put("code", 4010).put("reason", "disconnected by the application")
            .put("reconnect", false));
      }
      for (String client : List.of(a, b)) {
        Disconnected gone = awaitEvent(Disconnected.class, e -> e.client().equals(client));
        assertThat(gone.reason()).isEqualTo("disconnected by the application");
        assertThat(gone.code()).isEqualTo(4010);
        assertThat(gone.user()).isEqualTo(user);
      }
      assertThat(bystander.isClosed()).isFalse();
      eventually(Duration.ofSeconds(10), () -> assertThat(WsClient.await(service.connections(user)).connections()).isEmpty());
      // nobody left to disconnect: an answer, not a failure
      assertThat(WsClient.await(service.disconnect(user))).isEqualTo(new Affected(0, false));
    }
  }

  @Test
  void a_user_subscribed_by_the_service_gets_subscribed_then_the_channels_messages_and_is_counted() {
    String user = unique("srv-");
    String channel = "news:" + user;
    try (WsClient ws = WsClient.connect(clients, node.httpPort(), "user=" + user);
         WsClient anonymous = WsClient.connect(clients, edge.httpPort(), null)) {
      String client = clientId(ws);
      eventually(Duration.ofSeconds(10), () -> assertThat(WsClient.await(service.connections(user)).connections())
          .extracting(Connection::client).containsExactly(client));

      assertThat(WsClient.await(service.subscribe(user, channel))).isEqualTo(new Affected(1, false));
      JsonObject subscribed = ws.await(f -> "subscribed".equals(f.getString("type")) && channel.equals(f.getString("channel")));
      assertThat(subscribed.containsKey("id")).isFalse();
      // already subscribed: not subscribed again, not counted
      assertThat(WsClient.await(service.subscribe(user, channel))).isEqualTo(new Affected(0, false));
      assertThat(awaitEvent(Subscribed.class, e -> e.channel().equals(channel)).client()).isEqualTo(client);
      Published published = WsClient.await(service.publish(channel, new JsonObject().put("headline", "hello")));
      JsonObject msg = ws.awaitMessages(channel, 1).get(0);
      assertThat(msg.getJsonObject("data")).isEqualTo(new JsonObject().put("headline", "hello"));
      assertThat(msg.getLong("offset")).isEqualTo(published.offset());
      assertThat(msg.getString("epoch")).isEqualTo(subscribed.getString("epoch"));

      // the anonymous client subscribes itself on the other node: two connections, two subscribers (each
      // anonymous one counts), added up across the nodes
      anonymous.subscribe(channel);
      eventually(Duration.ofSeconds(10), () -> assertThat(WsClient.await(service.count(channel)))
          .isEqualTo(new Counts(2, 2, false)));
      // the whole cluster: at least these two, once the registry knows the other node's instance (a request
      // landing on one node counts the other's connections through the registry, within events.batchMs)
      eventually(Duration.ofSeconds(10), () -> assertThat(WsClient.await(service.count(null)).connections())
          .isGreaterThanOrEqualTo(2));

      assertThat(WsClient.await(service.unsubscribe(user, channel))).isEqualTo(new Affected(1, false));
      ws.await(f -> "unsubscribed".equals(f.getString("type")) && channel.equals(f.getString("channel")));
      assertThat(awaitEvent(Unsubscribed.class, e -> e.channel().equals(channel)).client()).isEqualTo(client);
      Published after = WsClient.await(service.publish(channel, "after"));
      // the anonymous client subscribed after the first message: this one is its first
      assertThat(anonymous.awaitMessages(channel, 1).get(0).getLong("offset")).isEqualTo(after.offset());
      assertThat(ws.messages(channel)).hasSize(1);
      eventually(Duration.ofSeconds(10), () -> assertThat(WsClient.await(service.count(channel)))
          .isEqualTo(new Counts(1, 1, false)));
      // already out of the channel: nobody to unsubscribe
      assertThat(WsClient.await(service.unsubscribe(user, channel))).isEqualTo(new Affected(0, false));
    }
  }

  @Test
  void one_client_disconnected_by_its_id_gets_the_default_code_and_may_come_back() {
    String user = unique("one-");
    try (WsClient kept = WsClient.connect(clients, node.httpPort(), "user=" + user);
         WsClient cut = WsClient.connect(clients, node.httpPort(), "user=" + user)) {
      clientId(kept);
      String client = clientId(cut);
      // in the registry first: an instance's very first connection is found on other nodes only then
      eventually(Duration.ofSeconds(10), () -> assertThat(WsClient.await(service.connections(user)).connections()).hasSize(2));
      assertThat(WsClient.await(service.disconnectClient(client, null, null))).isEqualTo(new Affected(1, false));
      assertThat(cut.awaitClose()).isEqualTo((short) 4002);
      assertThat(cut.await(f -> "disconnect".equals(f.getString("type")))).isEqualTo(new JsonObject()
          .put("type", "disconnect").put("code", 4002).put("reason", "disconnected by the application")
          .put("reconnect", true));
      Disconnected gone = awaitEvent(Disconnected.class, e -> e.client().equals(client));
      assertThat(gone.code()).isEqualTo(4002);
      assertThat(kept.isClosed()).isFalse();
      assertThat(WsClient.await(service.disconnectClient(client, null, null))).isEqualTo(new Affected(0, false));
    }
  }

  @Test
  void a_service_that_disconnects_on_the_connected_event_reaches_the_connection_from_either_node_at_once() {
    // every connection instance of both nodes has reported to the registry once, as in a running cluster
    String warm = unique("warm-");
    List<WsClient> warming = new java.util.ArrayList<>();
    for (Gateway g : List.of(node, node, edge, edge)) {
      warming.add(WsClient.connect(clients, g.httpPort(), "user=" + warm));
    }
    String banned = unique("banned-");
    List<Affected> answers = new CopyOnWriteArrayList<>();
    List<WsClient> open = new java.util.ArrayList<>();
    List<WsClient> bystanders = new java.util.ArrayList<>();
    Registration kick = null;
    try {
      eventually(Duration.ofSeconds(10), () -> assertThat(WsClient.await(service.connections(warm)).connections()).hasSize(4));
      // before the registry has heard of the connection (events.batchMs, 200 ms): the request lands on any
      // connection instance of either node (the bus takes nodes in turn, then a node's instances in turn),
      // which must still find it
      kick = WsClient.await(service.onConnected(c -> {
        if (banned.equals(c.user())) {
          service.disconnectClient(c.client(), 4030, false).onSuccess(answers::add);
        }
      }));
      // all on the edge, so that requests landing on the other node have to find them; a bystander after
      // each, so that they are not all on the instance the edge's requests land on
      for (int i = 0; i < 8; i++) {
        open.add(WsClient.connect(clients, edge.httpPort(), "user=" + banned));
        bystanders.add(WsClient.connect(clients, edge.httpPort(), null));
      }
      for (WsClient ws : open) {
        assertThat(ws.awaitClose()).isEqualTo((short) 4030);
      }
      eventually(Duration.ofSeconds(10), () -> assertThat(answers).hasSize(8).containsOnly(new Affected(1, false)));
      assertThat(bystanders).noneMatch(WsClient::isClosed);
      assertThat(warming).noneMatch(WsClient::isClosed);
    } finally {
      if (kick != null) {
        WsClient.await(kick.unregister());
      }
      open.forEach(WsClient::close);
      bystanders.forEach(WsClient::close);
      warming.forEach(WsClient::close);
    }
  }

  @Test
  void an_sse_stream_is_listed_and_disconnected_through_the_helper_and_has_no_close_code() {
    String user = unique("sse-");
    String channel = "feed:" + user;
    try (SseClient sse = SseClient.open(clients, node.httpPort(), "/sse?channel=" + channel + "&user=" + user)) {
      Connection c = eventually(Duration.ofSeconds(10), () -> {
        List<Connection> listed = WsClient.await(service.connections(user)).connections();
        assertThat(listed).hasSize(1);
        return listed.get(0);
      });
      assertThat(c.transport()).isEqualTo("sse");
      assertThat(awaitEvent(Connected.class, e -> e.client().equals(c.client())).transport()).isEqualTo("sse");
      awaitEvent(Subscribed.class, e -> e.client().equals(c.client()) && e.channel().equals(channel));
      // a stream's channels are those of its request: a server-side subscribe does not reach it
      assertThat(WsClient.await(service.subscribe(user, "news:" + user))).isEqualTo(new Affected(0, false));

      assertThat(WsClient.await(service.disconnectClient(c.client(), 4020, false))).isEqualTo(new Affected(1, false));
      assertThat(sse.await(e -> "disconnect".equals(e.type())).json()).isEqualTo(new JsonObject()
          .put("code", 4020).put("reason", "disconnected by the application").put("reconnect", false));
      sse.awaitEnd();
      Disconnected gone = awaitEvent(Disconnected.class, e -> e.client().equals(c.client()));
      assertThat(gone).isEqualTo(new Disconnected(user, c.client(), "sse", node.nodeId(), gone.ts(),
          "disconnected by the application", null));
    }
  }

  @Test
  void control_refusals_arrive_with_their_protocol_code() {
    RtgwException unknownNamespace = failure(service.subscribe("someone", "nowhere:x"));
    assertThat(unknownNamespace.code()).isEqualTo(ProtocolCode.BAD_REQUEST);
    assertThat(unknownNamespace.getMessage()).contains("nowhere");
    RtgwException badCode = failure(service.disconnect("someone", 1000, null));
    assertThat(badCode.code()).isEqualTo(ProtocolCode.BAD_REQUEST);
    assertThat(badCode.getMessage()).contains("4000");
    RtgwException badChannel = failure(service.count("chat:bad channel"));
    assertThat(badChannel.code()).isEqualTo(ProtocolCode.BAD_REQUEST);
  }
}
