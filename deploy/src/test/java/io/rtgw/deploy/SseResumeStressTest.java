package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SseGatewayTest's three-drop resume, repeated on one gateway while publishing goes on, with fresh
 * channels each time: every offset once and in order across the drops, whatever moment each drop hits
 * (mid-catch-up, mid-event, between the history read and its answer). Repetitions:
 * {@code -Drtgw.sseStress.repetitions} (default 10, about 12 s).
 */
class SseResumeStressTest {

  private static final int REPETITIONS = Integer.getInteger("rtgw.sseStress.repetitions", 10);
  private static final int PER_CHANNEL = 150;
  private static final int DROPS = 3;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone();

  /** Drops that hit an event after its id line and before its end: an id that must not count yet. */
  private static int midEvent;
  private static int drops;

  @AfterAll
  static void report() {
    System.out.printf("SseResumeStressTest: %d drops, %d of them mid-event%n", drops, midEvent);
  }

  @TestFactory
  Stream<DynamicTest> every_offset_arrives_once_in_order_across_three_drops() {
    return IntStream.rangeClosed(1, REPETITIONS)
        .mapToObj(n -> DynamicTest.dynamicTest("repetition " + n, () -> threeDrops(n)));
  }

  private void threeDrops(int repetition) {
    String run = "r" + repetition;
    List<String> channels = List.of("chat:stress-a-" + run, "news:stress-b-" + run, "feed:stress-c-" + run);
    String uri = "/sse?channel=" + String.join("&channel=", channels);
    Map<String, List<Long>> received = new HashMap<>();
    channels.forEach(c -> received.put(c, new ArrayList<>()));

    SseClient current = gateway.sse(uri);
    Map<String, Long> start = new HashMap<>();
    current.await(e -> e.type().equals("subscribed")).json().getJsonArray("channels")
        .forEach(o -> start.put(((JsonObject) o).getString("channel"), ((JsonObject) o).getLong("offset")));

    CompletableFuture<Void> published = new CompletableFuture<>();
    int[] round = {0};
    gateway.vertx().setPeriodic(2, id -> {
      if (round[0] == PER_CHANNEL) {
        gateway.vertx().cancelTimer(id);
        published.complete(null);
        return;
      }
      for (String c : channels) {
        gateway.vertx().eventBus().request(Addresses.PUBLISH, new JsonObject().put("channel", c).put("data", round[0]));
      }
      round[0]++;
    });

    for (int drop = 0; drop < DROPS; drop++) {
      // drops land at different moments of each stream: right after subscribed, mid catch-up, live
      int before = 1 + (repetition * 7 + drop * 13) % 40;
      SseClient stream = current;
      eventually(WsClient.TIMEOUT, Duration.ofMillis(1),
          () -> assertThat(stream.messages().size() >= before || published.isDone()).isTrue());
      if (published.isDone()) {
        // a loaded machine may publish everything before the last drops: the stream goes on to the end
        break;
      }
      current.close();
      drops++;
      String raw = current.raw();
      if (raw.substring(raw.lastIndexOf("\n\n") + 2).contains("id: ")) {
        midEvent++;
      }
      collect(current.messages(), received);
      current = gateway.sse(uri, Map.of("Last-Event-ID", current.lastId()));
      JsonArray resumed = current.await(e -> e.type().equals("subscribed")).json().getJsonArray("channels");
      resumed.forEach(o -> assertThat(((JsonObject) o).getBoolean("recovered")).isTrue());
    }
    WsClient.await(published);
    for (String c : channels) {
      long end = start.get(c) + PER_CHANNEL;
      if (received.get(c).contains(end)) {
        continue;
      }
      // waits for each channel's last offset, so that a hole shows as the offset missing, not as a timeout
      current.await(e -> e.type().equals("message") && e.json().getString("channel").equals(c)
          && e.json().getLong("offset") == end);
    }
    collect(current.messages(), received);
    current.close();

    for (String c : channels) {
      assertThat(received.get(c)).as(c)
          .containsExactlyElementsOf(Offsets.range(start.get(c) + 1, start.get(c) + PER_CHANNEL));
    }
  }

  private static void collect(List<SseClient.Event> events, Map<String, List<Long>> into) {
    for (SseClient.Event e : events) {
      JsonObject m = e.json();
      into.get(m.getString("channel")).add(m.getLong("offset"));
    }
  }
}
