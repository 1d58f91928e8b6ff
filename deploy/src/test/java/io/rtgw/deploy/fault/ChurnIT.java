package io.rtgw.deploy.fault;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Churn: 300 clients (100 each over WebSocket, SSE and long polling) spread over three connection
 * nodes, each dropping its connection every 2-10 s and resuming on another node picked at random, while
 * 12,000 messages are published over ten channels (30 clients and 1,200 messages each): every client
 * gets every message of its channel once, in order.
 */
class ChurnIT {

  private static final int CHANNELS = 10;
  private static final int PER_CHANNEL = 30;
  private static final int MESSAGES = 1_200;
  private static final int RATE = 20;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(() -> ProcessCluster.builder("churn")
      .nodes("core", 1).nodes("connection", 3)
      .env("GATEWAY_HTTP_DRAIN_MS", "1000").env("GATEWAY_POLL_TIMEOUT_MS", "5000")
      .env("GATEWAY_NAMESPACES_FEED_HISTORY_SIZE", "5000"));

  private volatile boolean churning = true;

  @Test
  void three_hundred_clients_dropping_every_few_seconds_lose_and_duplicate_nothing() throws Exception {
    ProcessCluster cluster = CLUSTER.get();
    List<Integer> ports = cluster.connectionPorts();
    List<KeyedPublisher> publishers = new ArrayList<>();
    try (Clients clients = new Clients()) {
      List<Subscriber> subscribers = new ArrayList<>();
      List<Future<Void>> started = new ArrayList<>();
      for (int c = 0; c < CHANNELS; c++) {
        for (int i = 0; i < PER_CHANNEL; i++) {
          Subscriber s = clients.ofTransport(i, "feed:churn-" + c, ports, 0, 200);
          subscribers.add(s);
          started.add(s.start(ports.get(subscribers.size() % ports.size())));
        }
      }
      Clients.awaitAll(started);
      long t0 = System.currentTimeMillis();
      for (Subscriber s : subscribers) {
        churn(clients, s);
      }
      for (int c = 0; c < CHANNELS; c++) {
        publishers.add(new KeyedPublisher("feed:churn-" + c, "churn", null, ports, 100, Duration.ofSeconds(10)).start(MESSAGES, RATE));
      }
      for (KeyedPublisher p : publishers) {
        p.assertAcknowledged(Duration.ofSeconds(180), cluster);
      }
      long publishedMs = System.currentTimeMillis() - t0;
      churning = false;

      Tally tally = Tally.none();
      Map<String, Integer> connects = new TreeMap<>();
      for (Subscriber s : subscribers) {
        eventually(Duration.ofSeconds(30), () -> assertThat(s.delivered().count()).as(s.transport() + " on " + s.channel).isGreaterThanOrEqualTo(MESSAGES));
      }
      Thread.sleep(1_000);
      for (Subscriber s : subscribers) {
        Tally t = Tally.of(s.delivered().offsets(), 1, MESSAGES);
        assertThat(t.clean()).as(s.transport() + " subscriber of " + s.channel + ": " + t).isTrue();
        assertThat(s.delivered().notices()).as(s.transport() + " was never told it lost anything").isEmpty();
        tally = tally.plus(t);
        connects.merge(s.transport(), s.delivered().connects(), Integer::sum);
      }
      Map<String, Long> failures = publishers.stream().flatMap(p -> p.failures().stream())
          .collect(Collectors.groupingBy(f -> f.status() + " " + f.code(), TreeMap::new, Collectors.counting()));
      System.out.printf("[churn] %d publishes over %d channels in %d ms (failed attempts %s); %d clients, (re)connections per transport %s: %s%n",
          CHANNELS * MESSAGES, CHANNELS, publishedMs, failures, subscribers.size(), connects, tally);
    } finally {
      churning = false;
      publishers.forEach(KeyedPublisher::close);
    }
  }

  /** Drops {@code s} after 2-10 s, again and again until the publishing is over. */
  private void churn(Clients clients, Subscriber s) {
    clients.vertx().setTimer(ThreadLocalRandom.current().nextLong(2_000, 10_000), t -> {
      if (churning) {
        s.drop();
        churn(clients, s);
      }
    });
  }
}
