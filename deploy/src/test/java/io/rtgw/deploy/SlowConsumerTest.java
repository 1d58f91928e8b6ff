package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A client that stops reading is closed with 4000 and released; the others keep receiving. */
class SlowConsumerTest {

  @RegisterExtension
  // the close timeout far past the test's length: on a loaded machine the publishing outlasts the default,
  // the stalled socket is then reset (1006, SlowConsumerReleaseTest's case) and the 4000 is never read
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_WEBSOCKET_OUTBOUND_QUEUE_BYTES", "65536",
      "GATEWAY_WEBSOCKET_CLOSE_TIMEOUT_MS", "600000");

  @Test
  void a_stalled_reader_is_closed_with_4000_while_other_clients_keep_receiving() throws Exception {
    String channel = "feed:firehose";
    int total = 2500;
    String payload = "x".repeat(10_000);
    try (WsClient stalled = gateway.ws(null);
         WsClient healthy = gateway.ws(null);
         WsClient publisher = gateway.ws(null)) {
      long start = stalled.subscribe(channel).getLong("offset");
      healthy.subscribe(channel);
      assertThat(connections()).isEqualTo(3);
      stalled.socket().pause();

      // published in batches the healthy reader keeps up with: a reader that falls a whole outbound queue
      // behind is (rightly) closed too, and a cold test JVM can read slowly enough for that to happen
      int batch = 50;
      for (int sent = 0; sent < total; sent += batch) {
        for (int i = 0; i < batch; i++) {
          publisher.send(new JsonObject().put("type", "publish").put("channel", channel).put("data", payload));
        }
        if (healthy.isClosed()) {
          throw new AssertionError("the healthy reader was closed with " + healthy.awaitClose() + " after "
              + healthy.messages(channel).size() + " messages");
        }
        healthy.awaitMessages(channel, sent + batch);
      }
      List<JsonObject> got = healthy.awaitMessages(channel, total);
      assertThat(Offsets.of(got)).containsExactlyElementsOf(Offsets.range(start + 1, start + total));

      // the server let go of the stalled connection: its count dropped while the socket still exists
      eventually(Duration.ofSeconds(10), Duration.ofMillis(50), () -> assertThat(connections()).isEqualTo(2));

      stalled.socket().resume();
      assertThat(stalled.awaitClose()).isEqualTo((short) 4000);
      // what it did receive is a gap-free prefix, so it can resume from its last offset
      List<Long> prefix = Offsets.of(stalled.messages(channel));
      assertThat(prefix).containsExactlyElementsOf(Offsets.range(start + 1, start + prefix.size()));
      assertThat(prefix.size()).isLessThan(total);
    }
  }

  private static int connections() {
    return gateway.http().get("/health").json().getInteger("connections");
  }
}
