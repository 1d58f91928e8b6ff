package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The automatic subscription of a WebSocket's personal channel is never dropped in silence: the
 * history reads that open it are lost on purpose here, and the connection either gets its inbox on a
 * later attempt or is closed with 1011, so that its client reconnects.
 */
class InboxRetryTest {

  private static final int ATTEMPTS = 3;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_DELIVERY_REQUEST_TIMEOUT_MS", "300",
      "GATEWAY_DELIVERY_AUTO_SUBSCRIBE_ATTEMPTS", String.valueOf(ATTEMPTS),
      "GATEWAY_DELIVERY_AUTO_SUBSCRIBE_RETRY_MS", "100");

  /** Per personal channel: how many of its opening reads are still to be lost. */
  private static final Map<String, AtomicInteger> toLose = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> lost = new ConcurrentHashMap<>();

  @BeforeAll
  static void loseOpeningReads() {
    gateway.vertx().eventBus().addOutboundInterceptor(ctx -> {
      if (ctx.message().address().equals(Addresses.HISTORY_READ) && ctx.message().body() instanceof HistoryRead read) {
        AtomicInteger left = toLose.get(read.channel());
        if (left != null && left.getAndDecrement() > 0) {
          lost.computeIfAbsent(read.channel(), c -> new AtomicInteger()).incrementAndGet();
          return;
        }
      }
      ctx.next();
    });
  }

  @Test
  void a_failed_inbox_subscription_is_tried_again_and_direct_messages_then_arrive() {
    toLose.put("user:carol", new AtomicInteger(ATTEMPTS - 1));
    try (WsClient carol = gateway.ws("user=carol"); WsClient dave = gateway.ws("user=dave")) {
      JsonObject auto = carol.await(f -> "subscribed".equals(f.getString("type"))
          && "user:carol".equals(f.getString("channel")));
      assertThat(auto.containsKey("id")).isFalse();
      assertThat(lost.get("user:carol").get()).isEqualTo(ATTEMPTS - 1);
      dave.publish("user:carol", "hello");
      assertThat(carol.awaitMessages("user:carol", 1).get(0).getValue("data")).isEqualTo("hello");
    }
  }

  @Test
  void an_inbox_that_cannot_be_subscribed_closes_the_connection_with_1011() {
    toLose.put("user:erin", new AtomicInteger(Integer.MAX_VALUE));
    try (WsClient erin = gateway.ws("user=erin")) {
      assertThat(erin.awaitClose()).isEqualTo((short) 1011);
      assertThat(lost.get("user:erin").get()).isEqualTo(ATTEMPTS);
      assertThat(erin.frames(f -> "subscribed".equals(f.getString("type")))).isEmpty();
    }
  }
}
