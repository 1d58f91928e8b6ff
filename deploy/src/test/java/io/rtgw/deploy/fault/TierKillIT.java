package io.rtgw.deploy.fault;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of one of two fanout and one of two history processes in the middle of a publish stream whose
 * publisher retries with the same idempotency key: every acknowledged publish is stored once (history
 * holds offsets 1..N, each with its own message) and delivered once to every subscriber.
 */
class TierKillIT {

  private static final String CHANNEL = "feed:tiers";
  private static final int MESSAGES = 600;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(() -> ProcessCluster.builder("tier-kill")
      .nodes("history", 2).nodes("presence", 1).nodes("fanout", 2).nodes("connection", 2)
      .env("GATEWAY_HTTP_DRAIN_MS", "1000"));

  @Test
  void keyed_publishes_survive_a_fanout_and_a_history_crash_stored_and_delivered_once() throws Exception {
    ProcessCluster cluster = CLUSTER.get();
    List<Integer> ports = cluster.connectionPorts();
    try (Clients clients = new Clients();
         KeyedPublisher publisher = new KeyedPublisher(CHANNEL, "tiers", null, ports, 100, Duration.ofSeconds(15))) {
      List<Subscriber> subscribers = new ArrayList<>();
      List<Future<Void>> started = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Subscriber s = clients.ofTransport(i, CHANNEL, ports, 500, 1000);
        subscribers.add(s);
        started.add(s.start(ports.get(i % ports.size())));
      }
      Clients.awaitAll(started);

      publisher.start(MESSAGES, 50);
      Thread.sleep(4_000);
      ProcessCluster.Node fanout = cluster.node("fanout-1");
      ProcessCluster.Node history = cluster.node("history-1");
      int before = publisher.acks().size();
      long killed = System.currentTimeMillis();
      fanout.kill9();
      Thread.sleep(500);
      history.kill9();
      System.out.printf("[tier-kill] fanout-1 and history-1 killed 0.5 s apart after %d acknowledged publishes%n", before);

      boolean allAcknowledged = publisher.await(Duration.ofSeconds(120));
      Map<Integer, JsonObject> acks = publisher.acks();
      List<KeyedPublisher.Failure> failures = publisher.failures();
      Map<String, Long> byCode = failures.stream().collect(Collectors.groupingBy(f -> f.status() + " " + f.code(), TreeMap::new, Collectors.counting()));
      long slowest = failures.stream().mapToLong(KeyedPublisher.Failure::tookMs).max().orElse(0);
      long lastFailure = failures.stream().mapToLong(KeyedPublisher.Failure::atMs).max().orElse(killed) - killed;
      System.out.printf("[tier-kill] %d publishes, %d retried, %d failed attempts %s, slowest failure %d ms, last failure %d ms after the first kill%n",
          MESSAGES, publisher.retried(), failures.size(), byCode, slowest, lastFailure);
      assertThat(allAcknowledged).as("every publish acknowledged in the end; " + acks.size() + " were").isTrue();

      // the acknowledgements: one offset each, together exactly 1..N in one epoch
      Set<String> epochs = acks.values().stream().map(a -> a.getString("epoch")).collect(Collectors.toSet());
      assertThat(epochs).hasSize(1);
      Map<Long, Integer> byOffset = new HashMap<>();
      acks.forEach((i, a) -> assertThat(byOffset.put(a.getLong("offset"), i)).as("offset " + a.getLong("offset") + " acknowledged twice").isNull());
      assertThat(Tally.of(new ArrayList<>(new TreeMap<>(byOffset).keySet()), 1, MESSAGES).lost()).as("acknowledged offsets have no hole").isZero();

      // stored once: history has exactly N messages, offsets 1..N, each the message its ack named
      JsonObject stored = new HttpCalls(ports.get(0)).get("/history?channel=" + CHANNEL + "&limit=1000").json();
      JsonArray messages = stored.getJsonArray("messages");
      List<Long> offsets = new ArrayList<>();
      Set<Integer> numbers = new HashSet<>();
      for (int k = 0; k < messages.size(); k++) {
        JsonObject m = messages.getJsonObject(k);
        offsets.add(m.getLong("offset"));
        int i = m.getJsonObject("data").getInteger("i");
        assertThat(numbers.add(i)).as("message " + i + " stored twice").isTrue();
        assertThat(byOffset.get(m.getLong("offset"))).as("offset " + m.getLong("offset")).isEqualTo(i);
      }
      assertThat(messages.size()).isEqualTo(MESSAGES);
      assertThat(Tally.of(offsets, 1, MESSAGES).clean()).isTrue();

      // delivered once to every subscriber
      for (Subscriber s : subscribers) {
        eventually(Duration.ofSeconds(30), () -> assertThat(s.delivered().count()).as(s.transport()).isGreaterThanOrEqualTo(MESSAGES));
      }
      Thread.sleep(1_000);
      Tally tally = Tally.none();
      for (Subscriber s : subscribers) {
        Tally t = Tally.of(s.delivered().offsets(), 1, MESSAGES);
        assertThat(t.clean()).as(s.transport() + " subscriber: " + t).isTrue();
        tally = tally.plus(t);
      }
      System.out.printf("[tier-kill] stored %d of %d, once each; %d subscribers (ws, sse, poll): %s%n", messages.size(), MESSAGES, subscribers.size(), tally);
    } finally {
      cluster.node("fanout-1").restart();
      cluster.node("history-1").restart();
    }
  }
}
