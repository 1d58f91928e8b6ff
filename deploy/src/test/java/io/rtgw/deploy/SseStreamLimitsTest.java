package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The keep-alive and the slow-consumer bound of SSE streams, on a gateway with both set small. */
class SseStreamLimitsTest {

  private static final long KEEP_ALIVE_MS = 150;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_SSE_KEEP_ALIVE_MS", String.valueOf(KEEP_ALIVE_MS),
      "GATEWAY_SSE_QUEUE_BYTES", "65536",
      "GATEWAY_SSE_RETRY_MS", "500");

  @Test
  void an_idle_stream_gets_a_ping_comment_every_keep_alive_interval() {
    try (SseClient sse = gateway.sse("/sse?channel=chat:idle")) {
      sse.await(e -> e.type().equals("subscribed"));
      long t0 = System.nanoTime();
      List<String> pings = sse.awaitComments(4);
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(pings).allMatch("ping"::equals);
      // four pings at 150 ms take about 600 ms; allow a loaded machine some slack, but not a 15 s default
      assertThat(elapsedMs).isLessThan(5_000);
      assertThat(sse.raw()).contains("\n: ping\n\n");
      assertThat(sse.messages()).isEmpty();
    }
  }

  @Test
  void a_stream_that_stops_reading_is_ended_and_resumes_from_its_last_id_without_loss() {
    String channel = "chat:slow";
    int total = 400;
    String data = "x".repeat(30_000);
    try (SseClient slow = gateway.sse("/sse?channel=" + channel)) {
      long start = slow.await(e -> e.type().equals("subscribed")).json().getJsonArray("channels").getJsonObject(0)
          .getLong("offset");
      slow.pause();
      List<Future<?>> publishes = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        publishes.add(gateway.vertx().eventBus().request(Addresses.PUBLISH,
            new JsonObject().put("channel", channel).put("data", data + i)));
      }
      WsClient.await(Future.all(publishes));
      // 12 MB for a paused reader: far past the 64 KB bound plus what the sockets buffer
      awaitStreamsOnServer(0);
      slow.resume();
      slow.awaitEnd();
      List<Long> got = new ArrayList<>(Offsets.of(slow.messages().stream().map(SseClient.Event::json).toList()));
      assertThat(got.size()).isLessThan(total);

      // the catch-up is 12 MB again: a reader slower than it (a loaded machine) is ended at the same bound
      // and comes back from its last id, as EventSource does, until it has everything
      String lastId = slow.lastId();
      for (int attempt = 1; got.size() < total; attempt++) {
        assertThat(attempt).as("resumes needed for " + total + " messages, " + got.size() + " so far").isLessThanOrEqualTo(10);
        try (SseClient resumed = gateway.sse("/sse?channel=" + channel, Map.of("Last-Event-ID", lastId))) {
          got.addAll(Offsets.of(resumed.awaitMessagesOrEnd(total - got.size()).stream().map(SseClient.Event::json).toList()));
          if (resumed.lastId() != null) {
            lastId = resumed.lastId();
          }
        }
      }
      assertThat(got).containsExactlyElementsOf(Offsets.range(start + 1, start + total));
    }
  }

  private static void awaitStreamsOnServer(int n) {
    eventually(WsClient.TIMEOUT, () -> assertThat(gateway.http().get("/health").json().getInteger("sseStreams"))
        .as("streams on the server drop to " + n).isEqualTo(n));
  }
}
