package io.rtgw.deploy.fault;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling restart of all three connection nodes (SIGTERM, wait for the drained process to exit,
 * start it again, wait until it is ready, then the next) under WebSocket, SSE and long-poll subscribers
 * and a steady keyed publisher: every subscriber gets every message once, in order.
 */
class RollingRestartIT {

  private static final String CHANNEL = "feed:rolling";
  private static final int SUBSCRIBERS = 60;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(() -> ProcessCluster.builder("rolling")
      .nodes("core", 1).nodes("connection", 3)
      .env("GATEWAY_HTTP_DRAIN_MS", "2000").env("GATEWAY_NAMESPACES_FEED_HISTORY_SIZE", "10000"));

  @Test
  void restarting_every_connection_node_in_turn_loses_and_duplicates_nothing() throws Exception {
    ProcessCluster cluster = CLUSTER.get();
    List<Integer> ports = cluster.connectionPorts();
    try (Clients clients = new Clients();
         KeyedPublisher publisher = new KeyedPublisher(CHANNEL, "rolling", null, ports, 100, Duration.ofSeconds(10))) {
      List<Subscriber> subscribers = new ArrayList<>();
      List<Future<Void>> started = new ArrayList<>();
      for (int i = 0; i < SUBSCRIBERS; i++) {
        Subscriber s = clients.ofTransport(i, CHANNEL, ports, 200, 1000);
        subscribers.add(s);
        started.add(s.start(ports.get(i % ports.size())));
      }
      Clients.awaitAll(started);

      publisher.start(100_000, 40);
      Thread.sleep(2_000);
      List<String> steps = new ArrayList<>();
      for (ProcessCluster.Node node : cluster.nodes("connection")) {
        long t0 = System.nanoTime();
        int exit = node.stop();
        long stopped = System.nanoTime();
        node.restart();
        long ready = System.nanoTime();
        steps.add(String.format("%s exit %d after %d ms, ready again %d ms later", node.name(), exit,
            TimeUnit.NANOSECONDS.toMillis(stopped - t0), TimeUnit.NANOSECONDS.toMillis(ready - stopped)));
        assertThat(exit).as(node.name() + " exits cleanly after its drain").isIn(0, 143);
        Thread.sleep(1_000);
      }
      int published = publisher.finish();
      publisher.assertAcknowledged(Duration.ofSeconds(60), cluster);
      List<Long> offsets = publisher.acks().values().stream().map(a -> a.getLong("offset")).sorted().toList();
      assertThat(Tally.of(offsets, 1, published).clean()).as("acknowledged offsets are 1.." + published).isTrue();

      for (Subscriber s : subscribers) {
        eventually(Duration.ofSeconds(30), () -> assertThat(s.delivered().count()).as(s.transport()).isGreaterThanOrEqualTo(published));
      }
      Thread.sleep(1_000);
      Tally tally = Tally.none();
      Map<String, Integer> connects = new TreeMap<>();
      for (Subscriber s : subscribers) {
        Tally t = Tally.of(s.delivered().offsets(), 1, published);
        assertThat(t.clean()).as(s.transport() + " subscriber: " + t).isTrue();
        assertThat(s.delivered().notices()).as(s.transport() + " was never told it lost anything").isEmpty();
        tally = tally.plus(t);
        connects.merge(s.transport(), s.delivered().connects(), Integer::sum);
      }
      Map<String, Long> failures = publisher.failures().stream()
          .collect(Collectors.groupingBy(f -> f.status() + " " + f.code(), TreeMap::new, Collectors.counting()));
      System.out.printf("[rolling] %s%n", String.join("; ", steps));
      System.out.printf("[rolling] %d publishes (%d retried, failed attempts %s), %d subscribers, connections made per transport %s: %s%n",
          published, publisher.retried(), failures, subscribers.size(), connects, tally);
    }
  }
}
