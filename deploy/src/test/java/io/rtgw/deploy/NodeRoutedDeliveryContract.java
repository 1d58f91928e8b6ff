package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.Message;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Node-routed channels (the user namespace as shipped, and chat here through
 * GATEWAY_NAMESPACES_CHAT_ROUTING) over real WebSockets: every message in order, resume, and a delivery
 * lost on the bus healed by the tail check, with the memory and the Redis history store. An outbound
 * interceptor counts what goes to instance addresses and what to per-channel ones, and throws away the
 * node deliveries of the channels a test dooms.
 */
abstract class NodeRoutedDeliveryContract {

  static final long CHECK_MS = 200;
  /** Two position checks, plus slack for this shared machine. */
  static final Duration HEALED_WITHIN = Duration.ofMillis(2 * CHECK_MS + 5_000);
  static final String[] ENV = {
      "GATEWAY_DELIVERY_POSITION_CHECK_MS", String.valueOf(CHECK_MS),
      "GATEWAY_NAMESPACES_CHAT_ROUTING", "node"};

  private static final Set<String> doomed = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger dropped = new AtomicInteger();
  private static final Set<String> nodeDelivered = ConcurrentHashMap.newKeySet();
  private static final Set<String> channelDelivered = ConcurrentHashMap.newKeySet();
  private static final Set<String> presenceRouted = ConcurrentHashMap.newKeySet();

  protected abstract GatewayExtension gateway();

  /** Called once per test class by the subclass, after its gateway started. */
  protected static void watchDeliveries(GatewayExtension gateway) {
    gateway.vertx().eventBus().addOutboundInterceptor(ctx -> {
      String address = ctx.message().address();
      if (Addresses.isDelivery(address)) {
        channelDelivered.add(address);
      }
      if (Addresses.isNodeDelivery(address) && ctx.message().body() instanceof io.rtgw.protocol.PresenceEvent e) {
        presenceRouted.add(e.channel());
      }
      if (Addresses.isNodeDelivery(address) && ctx.message().body() instanceof Message m) {
        nodeDelivered.add(m.channel());
        if (doomed.contains(m.channel())) {
          dropped.incrementAndGet();
          return;
        }
      }
      ctx.next();
    });
  }

  @Test
  void a_personal_channel_gets_every_message_in_order_through_the_instance_address() {
    String user = "dora" + System.nanoTime();
    try (WsClient dora = gateway().ws("user=" + user); WsClient bob = gateway().ws("user=bob")) {
      JsonObject auto = dora.await(f -> "subscribed".equals(f.getString("type")) && ("user:" + user).equals(f.getString("channel")));
      long start = auto.getLong("offset");
      for (int i = 0; i < 200; i++) {
        bob.send(new JsonObject().put("type", "publish").put("channel", "user:" + user).put("data", i));
      }
      assertThat(Offsets.of(dora.awaitMessages("user:" + user, 200))).containsExactlyElementsOf(Offsets.range(start + 1, start + 200));
      assertThat(dora.messages("user:" + user).get(0).getString("from")).isEqualTo("bob");
      assertThat(nodeDelivered).contains("user:" + user);
      assertThat(channelDelivered).doesNotContain(Addresses.delivery("user:" + user));
    }
  }

  @Test
  void a_routed_channel_resumes_from_a_position_without_a_hole_or_a_duplicate() {
    String channel = "chat:routed-resume-" + System.nanoTime();
    try (WsClient publisher = gateway().ws(null)) {
      JsonObject sub;
      try (WsClient first = gateway().ws(null)) {
        sub = first.subscribe(channel);
        for (int i = 0; i < 10; i++) {
          publisher.publish(channel, i);
        }
        first.awaitMessages(channel, 10);
      }
      for (int i = 10; i < 25; i++) {
        publisher.publish(channel, i);
      }
      long start = sub.getLong("offset");
      try (WsClient back = gateway().ws(null)) {
        JsonObject resumed = back.subscribe(channel, sub.getString("epoch"), start + 10);
        assertThat(resumed.getBoolean("recovered")).isTrue();
        for (int i = 25; i < 40; i++) {
          publisher.send(new JsonObject().put("type", "publish").put("channel", channel).put("data", i));
        }
        assertThat(Offsets.of(back.awaitMessages(channel, 30))).containsExactlyElementsOf(Offsets.range(start + 11, start + 40));
        publisher.request(new JsonObject().put("type", "ping"));
        assertThat(back.messages(channel)).hasSize(30);
      }
      assertThat(nodeDelivered).contains(channel);
      assertThat(channelDelivered).doesNotContain(Addresses.delivery(channel));
    }
  }

  @Test
  void a_node_delivery_lost_at_the_tail_is_healed_by_the_tail_check() {
    String channel = "chat:routed-lost-" + System.nanoTime();
    try (WsClient publisher = gateway().ws(null); WsClient subscriber = gateway().ws(null)) {
      long start = subscriber.subscribe(channel).getLong("offset");
      publisher.publish(channel, "arrives");
      subscriber.awaitMessages(channel, 1);
      int droppedBefore = dropped.get();
      doomed.add(channel);
      publisher.publish(channel, "lost on the bus");
      publisher.publish(channel, "lost too");
      eventually(HEALED_WITHIN, () -> assertThat(subscriber.messages(channel)).hasSize(3));
      assertThat(dropped.get() - droppedBefore).isEqualTo(2);
      assertThat(Offsets.of(subscriber.messages(channel))).containsExactlyElementsOf(Offsets.range(start + 1, start + 3));
      assertThat(subscriber.messages(channel).get(2).getString("data")).isEqualTo("lost too");
    } finally {
      doomed.remove(channel);
    }
  }

  @Test
  void a_routed_channel_closed_and_opened_again_at_once_still_gets_its_deliveries() {
    String channel = "chat:routed-reopen-" + System.nanoTime();
    try (WsClient publisher = gateway().ws(null)) {
      for (int round = 0; round < 5; round++) {
        try (WsClient c = gateway().ws(null)) {
          long at = c.subscribe(channel).getLong("offset");
          publisher.publish(channel, round);
          assertThat(Offsets.of(c.awaitMessages(channel, 1))).containsExactly(at + 1);
          c.send(new JsonObject().put("type", "unsubscribe").put("channel", channel));
          long again = c.subscribe(channel).getLong("offset");
          assertThat(again).isEqualTo(at + 1);
          publisher.publish(channel, "again " + round);
          eventually(Duration.ofSeconds(10), () -> assertThat(c.messages(channel)).hasSize(2));
          assertThat(Offsets.of(c.messages(channel))).containsExactly(at + 1, at + 2);
        }
      }
    }
  }

  @Test
  void presence_events_of_a_routed_channel_reach_its_subscribers_through_the_instance_address() {
    String channel = "chat:routed-presence-" + System.nanoTime();
    try (WsClient erin = gateway().ws("user=erin")) {
      erin.subscribe(channel);
      erin.await(f -> isEvent(f, "join", channel, "erin"));
      WsClient finn = gateway().ws("user=finn");
      finn.subscribe(channel);
      erin.await(f -> isEvent(f, "join", channel, "finn"));
      finn.close();
      erin.await(f -> isEvent(f, "leave", channel, "finn"));
      assertThat(presenceRouted).contains(channel);
      assertThat(channelDelivered).doesNotContain(Addresses.delivery(channel));
    }
  }

  private static boolean isEvent(JsonObject f, String type, String channel, String user) {
    return type.equals(f.getString("type")) && channel.equals(f.getString("channel")) && user.equals(f.getString("user"));
  }

  static List<String> env(String... more) {
    List<String> all = new java.util.ArrayList<>(List.of(ENV));
    all.addAll(List.of(more));
    return all;
  }
}
