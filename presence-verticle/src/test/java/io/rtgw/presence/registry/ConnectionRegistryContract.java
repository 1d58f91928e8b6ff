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
  /** The clock the registry is told: the tests move it instead of sleeping. */
  protected long now = 1_000_000;

  protected static final long GRACE = 1000;

  /** A fresh, empty registry vacating {@code graceMs} after a channel's last holder left. */
  protected abstract ConnectionRegistry createRegistry(Vertx vertx, long graceMs);

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
    registry = createRegistry(vertx, GRACE);
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
    assertThat(report("n2", "n2/a", List.of(), List.of(), List.of(), List.of("chat:x"))).as("the grace").isEmpty();
    assertThat(await(() -> registry.holders("chat:x"))).isEmpty();
    now += GRACE - 1;
    assertThat(vacate()).as("a ms before the grace is over").isEmpty();
    now += 1;
    assertThat(vacate()).containsExactly(RegistryEvent.vacated("chat:x"));
    assertThat(vacate()).as("asked again").isEmpty();
  }

  @Test
  void a_channel_occupied_again_within_the_grace_is_neither_vacated_nor_occupied() {
    report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of());
    // X's "left" reached the registry before Y's earlier "came": the channel was never really empty
    assertThat(report("n1", "n1/a", List.of(), List.of(), List.of(), List.of("chat:x"))).isEmpty();
    now += GRACE - 1;
    assertThat(report("n2", "n2/a", List.of(), List.of(), List.of("chat:x"), List.of())).isEmpty();
    now += 10 * GRACE;
    assertThat(vacate()).isEmpty();
    assertThat(await(() -> registry.holders("chat:x"))).containsExactly("n2/a");
    // and its real end later is vacated once, a grace after it
    assertThat(report("n2", "n2/a", List.of(), List.of(), List.of(), List.of("chat:x"))).isEmpty();
    now += GRACE;
    assertThat(vacate()).containsExactly(RegistryEvent.vacated("chat:x"));
  }

  @Test
  void a_report_that_leaves_and_comes_back_within_itself_emits_nothing() {
    report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of());
    assertThat(report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of("chat:x"))).isEmpty();
    now += GRACE;
    assertThat(vacate()).isEmpty();
    assertThat(await(() -> registry.holders("chat:x"))).containsExactly("n1/a");
  }

  @Test
  void the_grace_starts_again_at_each_leave() {
    report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of());
    report("n1", "n1/a", List.of(), List.of(), List.of(), List.of("chat:x"));
    now += GRACE / 2;
    report("n2", "n2/a", List.of(), List.of(), List.of("chat:x"), List.of());
    report("n2", "n2/a", List.of(), List.of(), List.of(), List.of("chat:x"));
    now += GRACE / 2;
    assertThat(vacate()).as("the first leave's deadline").isEmpty();
    now += GRACE / 2;
    assertThat(vacate()).containsExactly(RegistryEvent.vacated("chat:x"));
  }

  @Test
  void vacate_takes_only_what_is_due_in_deadline_order() {
    for (int c = 0; c < 5; c++) {
      report("n1", "n1/a", List.of(), List.of(), List.of("chat:c" + c), List.of());
    }
    for (int c = 0; c < 5; c++) {
      report("n1", "n1/a", List.of(), List.of(), List.of(), List.of("chat:c" + c));
      now += 10;
    }
    now += GRACE - 30;
    assertThat(vacate()).containsExactlyInAnyOrder(RegistryEvent.vacated("chat:c0"), RegistryEvent.vacated("chat:c1"),
        RegistryEvent.vacated("chat:c2"));
    now += 100;
    assertThat(vacate()).containsExactlyInAnyOrder(RegistryEvent.vacated("chat:c3"), RegistryEvent.vacated("chat:c4"));
  }

  @Test
  void with_no_grace_the_last_leave_vacates_at_once() {
    await(() -> registry.close());
    registry = createRegistry(vertx, 0);
    report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of());
    assertThat(report("n1", "n1/a", List.of(), List.of(), List.of("chat:x"), List.of("chat:x")))
        .containsExactly(RegistryEvent.vacated("chat:x"), RegistryEvent.occupied("chat:x"));
    assertThat(report("n1", "n1/a", List.of(), List.of(), List.of(), List.of("chat:x")))
        .containsExactly(RegistryEvent.vacated("chat:x"));
    assertThat(vacate()).isEmpty();
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

    List<RegistryEvent> events = await(() -> registry.removeNode("n1", now));
    assertThat(events).containsExactlyInAnyOrder(RegistryEvent.disconnected(gone1), RegistryEvent.disconnected(gone2));
    assertThat(await(() -> registry.removeNode("n1", now))).as("heard twice").isEmpty();
    now += GRACE;
    assertThat(vacate()).as("its channels vacate like any other").containsExactly(RegistryEvent.vacated("chat:only"));
    assertThat(await(() -> registry.connections("alice"))).containsExactly(stays);
    assertThat(await(() -> registry.holders("chat:shared"))).containsExactly("n2/a");
    assertThat(await(() -> registry.holders())).containsExactly("n2/a");
  }

  protected static ConnectionEntry entry(String client, String user, String node, long since) {
    return new ConnectionEntry(client, user, "ws", node, node + "/a", since);
  }

  protected List<RegistryEvent> report(String node, String holder, List<ConnectionEntry> opened, List<String> closed,
                                       List<String> occupied, List<String> vacated) {
    return await(() -> registry.apply(new ConnectionReport(node, holder, opened, closed, occupied, vacated), now));
  }

  protected List<RegistryEvent> vacate() {
    return await(() -> registry.vacate(now));
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
