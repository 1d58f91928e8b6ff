package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.Message;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A connection instance whose route lease lapses (here its refreshes are thrown away, as if it were
 * frozen): appends skip and remove its routes, the tail check still brings what was published, and the
 * first refresh that gets through finds the lease expired and stores every route again, after which
 * deliveries come through the instance's address again.
 */
class RouteLeaseTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_DELIVERY_ROUTE_LEASE_MS", "200",
      "GATEWAY_DELIVERY_POSITION_CHECK_MS", "200");
  private static final AtomicBoolean leasesLost = new AtomicBoolean();
  private static final AtomicInteger nodeDeliveries = new AtomicInteger();

  @BeforeAll
  static void loseLeasesWhenTold() {
    gateway.vertx().eventBus().addOutboundInterceptor(ctx -> {
      String address = ctx.message().address();
      if (leasesLost.get() && address.equals(Addresses.HISTORY_LEASE)) {
        return;
      }
      if (Addresses.isNodeDelivery(address) && ctx.message().body() instanceof Message m
          && m.channel().startsWith("user:gale")) {
        nodeDeliveries.incrementAndGet();
      }
      ctx.next();
    });
  }

  @Test
  void a_lapsed_lease_has_its_routes_skipped_then_stored_again() throws InterruptedException {
    try (WsClient gale = gateway.ws("user=gale"); WsClient bob = gateway.ws("user=bob")) {
      long start = gale.await(f -> "subscribed".equals(f.getString("type")) && "user:gale".equals(f.getString("channel")))
          .getLong("offset");
      bob.publish("user:gale", "routed");
      gale.awaitMessages("user:gale", 1);
      assertThat(nodeDeliveries.get()).isEqualTo(1);

      leasesLost.set(true);
      Thread.sleep(1_500); // a real-time wait on purpose: the lease (3 x 200 ms) has to run out
      bob.publish("user:gale", "while the lease had lapsed");
      // the append found no live lease: no delivery was sent, the tail check brings it
      eventually(Duration.ofSeconds(10), () -> assertThat(gale.messages("user:gale")).hasSize(2));
      assertThat(nodeDeliveries.get()).as("the stale route was skipped").isEqualTo(1);

      leasesLost.set(false);
      // the next refresh finds the lease expired and stores the route again: deliveries are sent here again
      eventually(Duration.ofSeconds(10), () -> {
        bob.publish("user:gale", "after");
        assertThat(nodeDeliveries.get()).isGreaterThan(1);
      });
      int published = (int) (bob.publish("user:gale", "last").getLong("offset") - start);
      eventually(Duration.ofSeconds(10), () -> assertThat(gale.messages("user:gale")).hasSize(published));
      assertThat(Offsets.of(gale.messages("user:gale"))).containsExactlyElementsOf(Offsets.range(start + 1, start + published));
    }
  }
}
