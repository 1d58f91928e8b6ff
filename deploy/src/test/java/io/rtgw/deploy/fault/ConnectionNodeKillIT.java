package io.rtgw.deploy.fault;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of a connection node holding 100 identified clients in a presence channel, while messages are
 * published: the subscribers on the other nodes see exactly one {@code leave} per user, within 2 s
 * (Hazelcast sees the member's sockets close; the 30 s presence TTL plays no part), and the 100 clients
 * resume on the other nodes from their positions with nothing lost and nothing twice.
 */
class ConnectionNodeKillIT {

  private static final String CHANNEL = "chat:kill";
  private static final int USERS = 100;
  private static final int MESSAGES = 300;

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(() -> ProcessCluster.builder("node-kill")
      .nodes("core", 1).nodes("connection", 3)
      .env("connection", "GATEWAY_IDENTITY_ALLOW_USER_PARAM", "true")
      .env("GATEWAY_HTTP_DRAIN_MS", "1000"));

  /** A watcher's join and leave frames for the 100 users, with their arrival times. */
  private record Seen(String type, String user, long atMs) {
  }

  @Test
  void every_other_node_sees_one_leave_per_user_and_the_clients_resume_elsewhere_without_loss() throws Exception {
    ProcessCluster cluster = CLUSTER.get();
    List<Integer> ports = cluster.connectionPorts();
    List<Integer> survivors = ports.subList(0, 2);
    ProcessCluster.Node doomed = cluster.node("connection-3");
    try (Clients clients = new Clients();
         KeyedPublisher publisher = new KeyedPublisher(CHANNEL, "kill", "publisher", survivors, 100, Duration.ofSeconds(10))) {
      List<List<Seen>> watched = new ArrayList<>();
      List<Subscriber> watchers = new ArrayList<>();
      List<Future<Void>> started = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        watched.add(seen);
        // a watcher never moves: it is on a node that stays
        Subscriber watcher = clients.ws(CHANNEL, "watcher-" + w, List.of(survivors.get(w)), 500, 1000)
            .onPresence(f -> {
              if (f.getString("user", "").startsWith("u-")) {
                seen.add(new Seen(f.getString("type"), f.getString("user"), System.currentTimeMillis()));
              }
            });
        watchers.add(watcher);
        started.add(watcher.start(survivors.get(w)));
      }
      Clients.awaitAll(started);
      List<Subscriber> users = new ArrayList<>();
      started.clear();
      for (int u = 0; u < USERS; u++) {
        // back in 1-2 s, as a client's first reconnect delay would be
        Subscriber s = clients.ws(CHANNEL, "u-" + u, ports, 1000, 2000);
        users.add(s);
        started.add(s.start(doomed.httpPort()));
      }
      Clients.awaitAll(started);
      for (List<Seen> seen : watched) {
        eventually(Duration.ofSeconds(15), () -> assertThat(seen.stream().filter(s -> s.type.equals("join")).map(Seen::user).distinct()).hasSize(USERS));
      }

      publisher.start(MESSAGES, 40);
      Thread.sleep(2_000);
      long killed = System.currentTimeMillis();
      doomed.kill9();
      System.out.printf("[node-kill] connection-3 (pid %d, %d clients) killed after %d acknowledged publishes%n",
          doomed.pid(), USERS, publisher.acks().size());

      long[] latest = new long[watched.size()];
      for (int w = 0; w < watched.size(); w++) {
        List<Seen> seen = watched.get(w);
        eventually(Duration.ofSeconds(10), () -> assertThat(seen.stream().filter(s -> s.type.equals("leave")).map(Seen::user).distinct()).hasSize(USERS));
        latest[w] = seen.stream().filter(s -> s.type.equals("leave")).mapToLong(s -> s.atMs - killed).max().orElseThrow();
        long first = seen.stream().filter(s -> s.type.equals("leave")).mapToLong(s -> s.atMs - killed).min().orElseThrow();
        System.out.printf("[node-kill] watcher-%d on %d: %d leaves, first %d ms, last %d ms after the kill%n",
            w, survivors.get(w), USERS, first, latest[w]);
      }

      publisher.assertAcknowledged(Duration.ofSeconds(60), cluster);
      long last = publisher.acks().values().stream().mapToLong(a -> a.getLong("offset")).max().orElseThrow();
      assertThat(last).isEqualTo(MESSAGES);
      List<Subscriber> all = new ArrayList<>(users);
      all.addAll(watchers);
      for (Subscriber s : all) {
        eventually(Duration.ofSeconds(30), () -> assertThat(s.delivered().count()).as(s.user).isGreaterThanOrEqualTo(MESSAGES));
      }
      Thread.sleep(1_000);
      Tally tally = Tally.none();
      for (Subscriber s : all) {
        Tally t = Tally.of(s.delivered().offsets(), 1, MESSAGES);
        assertThat(t.clean()).as(s.user + ": " + t).isTrue();
        assertThat(s.port()).as(s.user + " is on a live node").isIn(survivors);
        tally = tally.plus(t);
      }
      System.out.printf("[node-kill] %d publishes (%d retried), %d subscribers: %s%n", MESSAGES, publisher.retried(), all.size(), tally);

      // the moved users are back, and nobody left twice
      for (List<Seen> seen : watched) {
        eventually(Duration.ofSeconds(10), () -> assertThat(seen.stream().filter(s -> s.type.equals("join") && s.atMs >= killed)
            .map(Seen::user).distinct()).hasSize(USERS));
      }
      Thread.sleep(1_000);
      for (List<Seen> seen : watched) {
        Map<String, Integer> leaves = new ConcurrentHashMap<>();
        seen.stream().filter(s -> s.type.equals("leave")).forEach(s -> leaves.merge(s.user, 1, Integer::sum));
        assertThat(leaves).hasSize(USERS);
        assertThat(leaves.values()).as("one leave per user").containsOnly(1);
      }
      assertThat(java.util.Arrays.stream(latest).max().orElseThrow()).as("every leave within 2 s of the kill").isLessThanOrEqualTo(2_000);
      JsonObject members = new HttpCalls(survivors.get(0)).get("/presence?channel=" + CHANNEL).json();
      JsonArray listed = members.getJsonArray("members");
      assertThat(listed).hasSize(USERS + 2);
      assertThat(listed.stream().map(m -> ((JsonObject) m).getInteger("clients"))).containsOnly(1);
    } finally {
      doomed.restart();
    }
  }
}
