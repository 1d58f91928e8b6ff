package io.rtgw.presence.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.ConnectionEntry;
import io.rtgw.protocol.ConnectionReport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@link ConnectionRegistry} contract, written once and run against every store. */
abstract class ConnectionRegistryContract {

  protected static Vertx vertx;
  private Context context;
  protected ConnectionRegistry registry;

  protected abstract ConnectionRegistry createRegistry(Vertx vertx);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @BeforeEach
  void create() {
    context = vertx.getOrCreateContext();
    registry = createRegistry(vertx);
  }

  @AfterEach
  void close() {
    await(() -> registry.close());
  }

  @Test
  void a_channel_is_occupied_by_its_first_holder_and_vacated_by_its_last() {
    assertThat(report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of()))
        .containsExactly(RegistryEvent.occupied("chat:x"));
    assertThat(report("n2", "n2/a", List.of(), List.of(), List.of("chat:x"), List.of())).isEmpty();
    assertThat(report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of())).as("a repeat").isEmpty();
    assertThat(await(() -> registry.holders("chat:x"))).containsExactlyInAnyOrder("n1/a", "n2/a");
    assertThat(report("n1", "n1/a", List.of(), List.of(), List.of(), List.of("chat:x"))).isEmpty();
    assertThat(report("n1", "n1/a", List.of(), List.of(), List.of(), List.of("chat:x"))).as("a repeat").isEmpty();
    assertThat(report("n2", "n2/a", List.of(), List.of(), List.of(), List.of("chat:x")))
        .containsExactly(RegistryEvent.vacated("chat:x"));
    assertThat(await(() -> registry.holders("chat:x"))).isEmpty();
  }

  @Test
  void a_report_vacates_before_it_occupies() {
    report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of());
    // the only holder left and came back: the channel was empty in between (a connection instance
    // cancels the pair within its batch instead, so this report only comes from elsewhere)
    assertThat(report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of("chat:x")))
        .containsExactly(RegistryEvent.vacated("chat:x"), RegistryEvent.occupied("chat:x"));
    assertThat(await(() -> registry.holders("chat:x"))).containsExactly("n1/a");
  }

  @Test
  void connections_are_listed_per_user_oldest_first_and_leave_with_their_close() {
    ConnectionEntry older = entry("c1", "alice", "n1", 100);
    ConnectionEntry newer = entry("c2", "alice", "n2", 200);
    ConnectionEntry anonymous = entry("c3", null, "n1", 300);
    report("n2", "n2/a", List.of(newer), List.of(), List.of(), List.of());
    report("n1", "n1/a", List.of(older, anonymous), List.of(), List.of(), List.of());
    assertThat(await(() -> registry.connections("alice"))).containsExactly(older, newer);
    assertThat(await(() -> registry.connection("c3"))).isEqualTo(anonymous);
    assertThat(await(() -> registry.holders())).containsExactlyInAnyOrder("n1/a", "n2/a");
    report("n1", "n1/a", List.of(), List.of("c1", "c3", "never-seen"), List.of(), List.of());
    assertThat(await(() -> registry.connections("alice"))).containsExactly(newer);
    assertThat(await(() -> registry.connection("c3"))).isNull();
  }

  @Test
  void a_departed_node_disconnects_its_connections_and_vacates_what_only_it_held_once() {
    ConnectionEntry gone1 = entry("c1", "alice", "n1", 100);
    ConnectionEntry gone2 = entry("c2", null, "n1", 100);
    ConnectionEntry stays = entry("c3", "alice", "n2", 100);
    report("n1", "n1/a", List.of(gone1), List.of(), List.of("chat:only", "chat:shared"), List.of());
    report("n1", "n1/b", List.of(gone2), List.of(), List.of("chat:only"), List.of());
    report("n2", "n2/a", List.of(stays), List.of(), List.of("chat:shared"), List.of());

    List<RegistryEvent> events = await(() -> registry.removeNode("n1"));
    assertThat(events).containsExactlyInAnyOrder(RegistryEvent.disconnected(gone1), RegistryEvent.disconnected(gone2),
        RegistryEvent.vacated("chat:only"));
    assertThat(await(() -> registry.removeNode("n1"))).as("heard twice").isEmpty();
    assertThat(await(() -> registry.connections("alice"))).containsExactly(stays);
    assertThat(await(() -> registry.holders("chat:shared"))).containsExactly("n2/a");
    assertThat(await(() -> registry.holders())).containsExactly("n2/a");
  }

  protected static ConnectionEntry entry(String client, String user, String node, long since) {
    return new ConnectionEntry(client, user, "ws", node, node + "/a", since);
  }

  protected List<RegistryEvent> report(String node, String holder, List<ConnectionEntry> opened, List<String> closed,
                                       List<String> occupied, List<String> vacated) {
    return await(() -> registry.apply(new ConnectionReport(node, holder, opened, closed, occupied, vacated)));
  }

  protected <T> T await(Supplier<Future<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    try {
      return result.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the registry call failed: " + e, e);
    }
  }
}
