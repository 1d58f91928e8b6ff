package io.rtgw.deploy.fault;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The harness itself: processes that really run, serve, die by the signal sent and come back. */
class ProcessClusterIT {

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(() -> ProcessCluster.builder("harness")
      .nodes("core", 1).nodes("connection", 2).env("GATEWAY_HTTP_DRAIN_MS", "500"));

  private static Vertx vertx;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    WsClient.await(vertx.close());
  }

  @Test
  void each_process_runs_with_its_pid_and_a_publish_crosses_nodes() {
    ProcessCluster cluster = CLUSTER.get();
    List<Integer> ports = cluster.connectionPorts();
    assertThat(ports).hasSize(2).doesNotHaveDuplicates();
    cluster.nodes().forEach(n -> assertThat(ProcessHandle.of(n.pid()).map(ProcessHandle::isAlive)).as(n.name()).contains(true));
    assertThat(cluster.node("core-1").logText()).contains("rtgw started").contains(cluster.clusterName());
    try (SseClient stream = SseClient.open(vertx, ports.get(1), "/sse?channel=chat:harness")) {
      stream.await(e -> e.type().equals("subscribed"));
      HttpCalls.Reply reply = new HttpCalls(ports.get(0)).post("/publish", new JsonObject().put("channel", "chat:harness").put("data", 1));
      assertThat(reply.status()).as(reply.text()).isEqualTo(200);
      assertThat(stream.awaitMessages(1).get(0).json().getLong("offset")).isEqualTo(reply.json().getLong("offset"));
    }
  }

  @Test
  void kill9_freeze_terminate_and_restart_do_what_they_say() {
    ProcessCluster.Node node = CLUSTER.get().node("connection-2");
    long pid = node.pid();
    node.freeze();
    eventually(Duration.ofSeconds(5), () -> assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command())).isPresent());
    // a frozen JVM accepts TCP connections in the kernel but answers nothing
    assertThat(node.readiness()).isZero();
    node.thaw();
    eventually(Duration.ofSeconds(10), () -> assertThat(node.readiness()).isEqualTo(200));

    node.kill9();
    assertThat(node.isAlive()).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    node.restart();
    assertThat(node.pid()).isNotEqualTo(pid);
    assertThat(node.readiness()).isEqualTo(200);

    long second = node.pid();
    assertThat(node.stop()).as("a drained node exits on its own after SIGTERM").isIn(0, 143);
    assertThat(ProcessHandle.of(second).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(node.logText()).contains("rtgw stopping");
    node.restart();
    assertThat(node.readiness()).isEqualTo(200);
  }
}
