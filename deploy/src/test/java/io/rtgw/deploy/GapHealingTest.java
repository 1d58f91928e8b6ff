package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The clustered bus is at-most-once. Here an outbound interceptor throws away every 7th delivery,
 * including the last ones, and every subscriber must still see every offset once, in order: gaps are
 * filled from history when the next delivery shows them, the tail by the periodic position check.
 */
class GapHealingTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_DELIVERY_POSITION_CHECK_MS", "200");
  private static final AtomicInteger deliveries = new AtomicInteger();
  private static final AtomicInteger dropped = new AtomicInteger();

  @BeforeAll
  static void loseEverySeventhDelivery() {
    gateway.vertx().eventBus().addOutboundInterceptor(ctx -> {
      if (Addresses.isDelivery(ctx.message().address()) && deliveries.incrementAndGet() % 7 == 0) {
        dropped.incrementAndGet();
        return;
      }
      ctx.next();
    });
  }

  @Test
  void every_subscriber_gets_every_offset_once_in_order_when_every_7th_delivery_is_lost() {
    String channel = "chat:lossy";
    int total = 350;
    List<WsClient> subs = new ArrayList<>();
    try (WsClient publisher = gateway.ws(null)) {
      long start = 0;
      for (int i = 0; i < 20; i++) {
        WsClient c = gateway.ws(null);
        subs.add(c);
        start = c.subscribe(channel).getLong("offset");
      }
      for (int i = 0; i < total; i++) {
        publisher.send(new JsonObject().put("type", "publish").put("channel", channel).put("data", i));
      }
      for (WsClient c : subs) {
        assertThat(Offsets.of(c.awaitMessages(channel, total)))
            .containsExactlyElementsOf(Offsets.range(start + 1, start + total));
      }
      // no duplicates trail in after the last one either
      publisher.request(new JsonObject().put("type", "ping"));
      for (WsClient c : subs) {
        assertThat(c.messages(channel)).hasSize(total);
      }
      assertThat(dropped.get()).isGreaterThanOrEqualTo(total / 7);
    } finally {
      subs.forEach(WsClient::close);
    }
  }

  @Test
  void a_subscriber_resuming_mid_stream_sees_no_hole_at_the_seam_despite_losses() {
    String channel = "chat:lossy-resume";
    try (WsClient publisher = gateway.ws(null);
         WsClient live = gateway.ws(null)) {
      JsonObject sub = live.subscribe(channel);
      for (int i = 0; i < 100; i++) {
        publisher.publish(channel, i);
      }
      try (WsClient late = gateway.ws(null)) {
        late.subscribe(channel, sub.getString("epoch"), sub.getLong("offset") + 40);
        for (int i = 100; i < 200; i++) {
          publisher.send(new JsonObject().put("type", "publish").put("channel", channel).put("data", i));
        }
        long start = sub.getLong("offset");
        assertThat(Offsets.of(late.awaitMessages(channel, 160))).containsExactlyElementsOf(Offsets.range(start + 41, start + 200));
        assertThat(Offsets.of(live.awaitMessages(channel, 200))).containsExactlyElementsOf(Offsets.range(start + 1, start + 200));
      }
    }
  }
}
