package io.rtgw.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.ChannelPosition;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.Positions;
import io.rtgw.protocol.config.HistoryConfig;
import io.rtgw.protocol.config.NamespaceConfig;
import io.rtgw.testkit.Offsets;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link HistoryStore} contract, written once and run against every store. The recovery table has one
 * row per edge of {@code read}: where the position is (inside the retained window, at its edge, evicted by
 * size or age, in the future, in another epoch, none), and the limit (none, 0, some).
 */
abstract class HistoryStoreContract {

  static final long WINDOW_MS = 1_000;
  /** Keeps five messages for an hour: eight published leave offsets 4 to 8. */
  static final NamespaceConfig SMALL = new NamespaceConfig(false, true, 5, 3600L);
  /** Keeps messages for two seconds. */
  static final NamespaceConfig BRIEF = new NamespaceConfig(false, true, 100, 2L);
  /** Keeps no messages, only the position. */
  static final NamespaceConfig NONE = new NamespaceConfig(false, true, 0, 3600L);
  /** A node-routed namespace: appends answer the channel's live routes. */
  static final NamespaceConfig ROUTED = new NamespaceConfig(false, true, 100, 3600L, null, NamespaceConfig.NODE_ROUTING);
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  protected static Vertx vertx;
  private Context context;
  protected HistoryStore store;

  /** A store with the given idempotency window whose time is {@link #now()}. */
  protected HistoryStore createStore(Vertx vertx, long idempotencyWindowMs) {
    return createStore(vertx, idempotencyWindowMs, HistoryConfig.DEFAULT_CHANGES_RETAINED);
  }

  /** The same, whose changes feed remembers about {@code changesRetained} appends. */
  protected abstract HistoryStore createStore(Vertx vertx, long idempotencyWindowMs, int changesRetained);

  /** The store's clock. */
  protected abstract long now();

  /** Moves the store's time on: a controlled clock, or real time where the store keeps its own (TTLs). */
  protected abstract void letTimePass(long ms);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  @BeforeEach
  void createStore() {
    // a verticle's store is called from its event loop only: so are these
    context = vertx.getOrCreateContext();
    store = createStore(vertx, WINDOW_MS);
  }

  @AfterEach
  void closeStore() {
    await(() -> store.close());
  }

  // ---- the recovery table

  sealed interface Step permits Publish, Wait {
  }

  record Publish(int count) implements Step {
  }

  record Wait(long ms) implements Step {
  }

  /** A position in the channel's own epoch, or in another one. */
  record Since(boolean ownEpoch, long offset) {
  }

  record Case(String name, NamespaceConfig ns, List<Step> setup, Since since, int limit,
              long latest, boolean recovered, List<Long> offsets) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Since at(long offset) {
    return new Since(true, offset);
  }

  static Since elsewhere(long offset) {
    return new Since(false, offset);
  }

  static Stream<Case> recoveryTable() {
    List<Step> eight = List.of(new Publish(8));
    List<Long> retained = Offsets.range(4, 8);
    List<Step> aged = List.of(new Publish(2), new Wait(2_500));
    List<Step> partlyAged = List.of(new Publish(1), new Wait(1_500), new Publish(2), new Wait(800));
    return Stream.of(
        new Case("a position inside the retained window", SMALL, eight, at(5), -1, 8, true, Offsets.range(6, 8)),
        new Case("the position just before the oldest retained", SMALL, eight, at(3), -1, 8, true, retained),
        new Case("a position evicted by size", SMALL, eight, at(2), -1, 8, false, retained),
        new Case("the start, evicted by size", SMALL, eight, at(0), -1, 8, false, retained),
        new Case("exactly at the latest", SMALL, eight, at(8), -1, 8, true, List.of()),
        new Case("a future offset", SMALL, eight, at(9), -1, 8, false, retained),
        new Case("a negative offset", SMALL, eight, at(-1), -1, 8, false, retained),
        new Case("another epoch", SMALL, eight, elsewhere(5), -1, 8, false, retained),
        new Case("another epoch, limited: the oldest retained first", SMALL, eight, elsewhere(5), 2, 8, false,
            List.of(4L, 5L)),
        new Case("limit 0: only the position", SMALL, eight, at(5), 0, 8, true, List.of()),
        new Case("limit 0 with a lost position", SMALL, eight, at(2), 0, 8, false, List.of()),
        new Case("a positive limit", SMALL, eight, at(5), 2, 8, true, List.of(6L, 7L)),
        new Case("no position, limit 0", SMALL, eight, null, 0, 8, true, List.of()),
        new Case("no position, the newest three", SMALL, eight, null, 3, 8, true, List.of(6L, 7L, 8L)),
        new Case("no position, no limit", SMALL, eight, null, -1, 8, true, retained),
        new Case("an untouched channel", SMALL, List.of(), null, -1, 0, true, List.of()),
        new Case("an untouched channel with a position", SMALL, List.of(), elsewhere(3), -1, 0, false, List.of()),
        new Case("size 0: the position survives, the messages do not", NONE, List.of(new Publish(3)), at(2), -1, 3,
            false, List.of()),
        new Case("size 0, at the latest", NONE, List.of(new Publish(3)), at(3), -1, 3, true, List.of()),
        new Case("all expired by age", BRIEF, aged, at(0), -1, 2, false, List.of()),
        new Case("all expired by age, at the latest: the epoch is kept", BRIEF, aged, at(2), -1, 2, true, List.of()),
        new Case("partly expired by age", BRIEF, partlyAged, at(0), -1, 3, false, List.of(2L, 3L)),
        new Case("partly expired by age, at the expired one", BRIEF, partlyAged, at(1), -1, 3, true,
            List.of(2L, 3L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("recoveryTable")
  void a_read_recovers_exactly_when_every_later_message_is_retained(Case c) {
    String channel = channel();
    String epoch = null;
    for (Step step : c.setup()) {
      if (step instanceof Publish p) {
        for (int i = 0; i < p.count(); i++) {
          epoch = append(channel, "\"m\"", null, c.ns()).message().epoch();
        }
      } else if (step instanceof Wait w) {
        letTimePass(w.ms());
      }
    }
    Position since = c.since() == null ? null
        : new Position(c.since().ownEpoch() ? epoch : "elsewhere", c.since().offset());

    HistoryPage page = read(channel, since, c.limit(), c.ns());

    assertThat(page.channel()).isEqualTo(channel);
    if (epoch != null) {
      assertThat(page.epoch()).isEqualTo(epoch);
    }
    assertThat(page.offset()).as("latest offset").isEqualTo(c.latest());
    assertThat(page.recovered()).as("recovered").isEqualTo(c.recovered());
    assertThat(page.messages().stream().map(Message::offset).toList()).as("offsets").isEqualTo(c.offsets());
  }

  // ---- appends and epochs

  @Test
  void appends_count_up_from_one_and_keep_the_message_as_published() {
    String channel = channel();
    long ts = now();
    Message one = await(() -> store.append(new AppendCommand(channel, "{\"a\":[1,\"x\",{\"b\":null}],\"c\":1.5}",
        "alice", null, ts), SMALL)).message();
    Message two = append(channel, "\"plain \\\"quoted\\\" text\"", null, SMALL).message();

    assertThat(one.offset()).isEqualTo(1);
    assertThat(two.offset()).isEqualTo(2);
    assertThat(two.epoch()).isEqualTo(one.epoch()).isNotBlank();
    assertThat(read(channel, null, -1, SMALL).messages()).containsExactly(
        new Message(channel, 1, one.epoch(), "{\"a\":[1,\"x\",{\"b\":null}],\"c\":1.5}", "alice", ts),
        new Message(channel, 2, one.epoch(), "\"plain \\\"quoted\\\" text\"", null, two.ts()));
  }

  @Test
  void reading_an_untouched_channel_creates_the_epoch_that_appends_continue() {
    String channel = channel();
    HistoryPage first = read(channel, null, 0, SMALL);
    HistoryPage again = read(channel, null, 0, SMALL);
    Message appended = append(channel, "1", null, SMALL).message();

    assertThat(first.epoch()).isNotBlank();
    assertThat(again.epoch()).isEqualTo(first.epoch());
    assertThat(appended.epoch()).isEqualTo(first.epoch());
    assertThat(appended.offset()).isEqualTo(1);
    assertThat(read(channel, new Position(first.epoch(), 0), -1, SMALL).recovered()).isTrue();
  }

  @Test
  void channels_have_their_own_epochs_and_offsets() {
    String a = channel();
    String b = channel();
    append(a, "1", null, SMALL);
    append(a, "2", null, SMALL);
    Message inB = append(b, "1", null, SMALL).message();

    assertThat(inB.offset()).isEqualTo(1);
    assertThat(inB.epoch()).isNotEqualTo(read(a, null, 0, SMALL).epoch());
  }

  @Test
  void appends_made_at_once_get_consecutive_offsets() {
    String channel = channel();
    int n = 300;
    List<Long> offsets = await(() -> {
      List<Future<AppendResult>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(store.append(new AppendCommand(channel, String.valueOf(i), null, null, now()), SMALL));
      }
      return Future.all(all).map(cf -> cf.<AppendResult>list().stream().map(r -> r.message().offset()).sorted().toList());
    });
    assertThat(offsets).isEqualTo(Offsets.range(1, n));
  }

  // ---- the changes feed and batched positions (the connection nodes' tail check)

  private ChannelChanges changes(String cursor, int limit) {
    return await(() -> store.changes(new ChangesRead(cursor, limit)));
  }

  @Test
  void no_cursor_gets_a_fresh_one_after_which_every_changed_channel_is_reported_once_at_its_latest_position() {
    String a = channel();
    String b = channel();
    append(a, "0", null, SMALL);
    ChannelChanges start = changes(null, 100);
    assertThat(start.complete()).isFalse();
    assertThat(start.changes()).isEmpty();

    append(a, "1", null, SMALL);
    Message inB = append(b, "1", null, SMALL).message();
    Message lastInA = append(a, "2", null, SMALL).message();
    ChannelChanges next = changes(start.cursor(), 100);

    assertThat(next.complete()).isTrue();
    assertThat(next.more()).isFalse();
    assertThat(next.changes()).containsExactly(
        new ChannelPosition(b, inB.epoch(), 1), new ChannelPosition(a, lastInA.epoch(), 3));
    ChannelChanges quiet = changes(next.cursor(), 100);
    assertThat(quiet.complete()).isTrue();
    assertThat(quiet.changes()).isEmpty();
    assertThat(changes(quiet.cursor(), 100).changes()).isEmpty();
  }

  @Test
  void reads_and_repeated_keys_are_no_changes() {
    String channel = channel();
    append(channel, "1", "k", SMALL);
    String cursor = changes(null, 100).cursor();
    read(channel, null, 10, SMALL);
    await(() -> store.positions(List.of(channel), c -> SMALL));
    assertThat(append(channel, "1", "k", SMALL).duplicate()).isTrue();

    assertThat(changes(cursor, 100).changes()).isEmpty();
  }

  @Test
  void changes_come_in_pages_of_the_limit() {
    List<String> channels = List.of(channel(), channel(), channel());
    String cursor = changes(null, 100).cursor();
    channels.forEach(c -> append(c, "1", null, SMALL));

    ChannelChanges first = changes(cursor, 2);
    ChannelChanges second = changes(first.cursor(), 2);

    assertThat(first.more()).isTrue();
    assertThat(first.changes()).extracting(ChannelPosition::channel).containsExactlyElementsOf(channels.subList(0, 2));
    assertThat(second.more()).isFalse();
    assertThat(second.changes()).extracting(ChannelPosition::channel).containsExactly(channels.get(2));
  }

  @Test
  void a_cursor_the_store_never_handed_out_is_answered_incomplete_with_one_that_works() {
    ChannelChanges lost = changes("abc:17", 100);
    assertThat(lost.complete()).isFalse();
    String channel = channel();
    append(channel, "1", null, SMALL);
    ChannelChanges next = changes(lost.cursor(), 100);
    assertThat(next.complete()).isTrue();
    assertThat(next.changes()).extracting(ChannelPosition::channel).containsExactly(channel);
  }

  @Test
  void a_cursor_older_than_the_retained_changes_is_answered_incomplete() {
    await(() -> store.close());
    store = createStore(vertx, WINDOW_MS, 100);
    String cursor = changes(null, 100).cursor();
    for (int i = 0; i < 500; i++) {
      append(channel(), "1", null, SMALL);
    }
    ChannelChanges late = changes(cursor, 100);
    assertThat(late.complete()).isFalse();
    assertThat(changes(late.cursor(), 100).complete()).isTrue();
  }

  @Test
  void positions_report_the_channels_the_store_knows_and_create_no_epoch() {
    String known = channel();
    String untouched = channel();
    Message m = append(known, "1", null, SMALL).message();
    append(known, "2", null, SMALL);

    Positions p = await(() -> store.positions(List.of(known, untouched), c -> SMALL));

    assertThat(p.positions()).containsExactly(new ChannelPosition(known, m.epoch(), 2));
    assertThat(await(() -> store.positions(List.of(untouched), c -> SMALL)).positions()).isEmpty();
  }

  // ---- idempotency

  @Test
  void a_repeated_key_gets_the_first_message_and_stores_nothing() {
    String channel = channel();
    AppendResult first = append(channel, "\"once\"", "k-1", SMALL);
    AppendResult again = append(channel, "\"a retry with other data\"", "k-1", SMALL);
    AppendResult other = append(channel, "\"other\"", "k-2", SMALL);

    assertThat(first.duplicate()).isFalse();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.message()).isEqualTo(first.message());
    assertThat(other.duplicate()).isFalse();
    assertThat(other.message().offset()).isEqualTo(first.message().offset() + 1);
    assertThat(read(channel, null, -1, SMALL).messages()).extracting(Message::data).containsExactly("\"once\"", "\"other\"");
  }

  @Test
  void the_same_key_on_another_channel_is_independent() {
    String a = channel();
    String b = channel();
    append(a, "1", null, SMALL);
    AppendResult inA = append(a, "2", "shared-key", SMALL);
    AppendResult inB = append(b, "3", "shared-key", SMALL);

    assertThat(inB.duplicate()).isFalse();
    assertThat(inB.message().channel()).isEqualTo(b);
    assertThat(inB.message().offset()).isEqualTo(1);
    assertThat(inA.message().offset()).isEqualTo(2);
  }

  @Test
  void a_key_is_forgotten_after_the_window() {
    String channel = channel();
    AppendResult first = append(channel, "1", "k", SMALL);
    letTimePass(WINDOW_MS + 300);
    AppendResult later = append(channel, "1", "k", SMALL);

    assertThat(later.duplicate()).isFalse();
    assertThat(later.message().offset()).isEqualTo(first.message().offset() + 1);
  }

  // ---- helpers

  // ---- routes

  private static final long LEASE_MS = 60_000;

  private boolean lease(String instance, String node, long ttlMs) {
    return await(() -> store.lease(new io.rtgw.protocol.RouteLease(instance, node, ttlMs)));
  }

  /** The contract's batches are numbered as a connection instance numbers them: each above the last. */
  private long routeSeq = System.currentTimeMillis() << 10;

  private void route(String instance, List<String> add, List<String> remove) {
    route(instance, ++routeSeq, add, remove);
  }

  private void route(String instance, long seq, List<String> add, List<String> remove) {
    await(() -> store.route(new io.rtgw.protocol.RouteChanges(instance, seq, add, remove), c -> ROUTED));
  }

  @Test
  void a_route_batch_carried_out_after_a_newer_one_of_its_instance_changes_nothing() {
    String kept = channel();
    String left = channel() + "-left";
    String instance = "late." + kept;
    lease(instance, "node-late", LEASE_MS);
    // the instance removed kept's route, timed out, then added it again in the next batch, and dropped left
    long timedOut = ++routeSeq;
    route(instance, List.of(left), List.of());
    long newer = ++routeSeq;
    route(instance, newer, List.of(kept), List.of(left));
    // the timed-out batch is carried out last (a history member that was frozen thawing)
    route(instance, timedOut, List.of(left), List.of(kept));

    assertThat(append(kept, "1", null, ROUTED).routes()).as("a late remove undid a newer add").containsExactly(instance);
    assertThat(append(left, "1", null, ROUTED).routes()).as("a late add brought back a newer remove").isEmpty();
    assertThat(await(() -> store.routes(kept))).containsExactly(instance);
    // and the instance's next batch still applies
    route(instance, List.of(left), List.of(kept));
    assertThat(append(kept, "2", null, ROUTED).routes()).isEmpty();
    assertThat(append(left, "2", null, ROUTED).routes()).containsExactly(instance);
  }

  @Test
  void an_unnumbered_route_batch_is_applied_as_it_comes() {
    String channel = channel();
    String instance = "unnumbered." + channel;
    lease(instance, "node-unnumbered", LEASE_MS);
    route(instance, 0, List.of(channel), List.of());
    assertThat(append(channel, "1", null, ROUTED).routes()).containsExactly(instance);
    route(instance, 0, List.of(), List.of(channel));
    assertThat(append(channel, "2", null, ROUTED).routes()).isEmpty();
  }

  @Test
  void an_append_to_a_node_routed_channel_answers_the_routes_stored_before_it_and_a_channel_routed_one_none() {
    String channel = channel();
    String a = "node-a." + channel;
    String b = "node-b." + channel;
    assertThat(lease(a, "node-a", LEASE_MS)).as("a new lease was not live").isFalse();
    assertThat(lease(a, "node-a", LEASE_MS)).as("a refreshed one was").isTrue();
    lease(b, "node-b", LEASE_MS);
    assertThat(append(channel, "0", null, ROUTED).routes()).isEmpty();
    route(a, List.of(channel), List.of());
    route(b, List.of(channel), List.of());
    AppendResult both = append(channel, "1", null, ROUTED);
    assertThat(both.routes()).containsExactlyInAnyOrder(a, b);
    assertThat(both.message().offset()).isEqualTo(2);
    assertThat(await(() -> store.routes(channel))).containsExactlyInAnyOrder(a, b);
    route(b, List.of(), List.of(channel));
    assertThat(append(channel, "2", null, ROUTED).routes()).containsExactly(a);
    assertThat(append(channel, "3", null, SMALL).routes()).as("not node-routed: published per channel").isNull();
  }

  @Test
  void a_route_whose_instance_lease_expired_is_skipped_and_removed() {
    String channel = channel();
    String live = "live." + channel;
    String stale = "stale." + channel;
    lease(live, "node-live", LEASE_MS);
    lease(stale, "node-stale", 300);
    route(live, List.of(channel), List.of());
    route(stale, List.of(channel), List.of());
    assertThat(append(channel, "1", null, ROUTED).routes()).containsExactlyInAnyOrder(live, stale);

    letTimePass(700);

    assertThat(append(channel, "2", null, ROUTED).routes()).containsExactly(live);
    // removed, not only skipped: a lease started again does not bring the route back by itself
    assertThat(lease(stale, "node-stale", LEASE_MS)).as("the lease had expired").isFalse();
    assertThat(append(channel, "3", null, ROUTED).routes()).containsExactly(live);
    assertThat(await(() -> store.routes(channel))).containsExactly(live);
  }

  @Test
  void a_node_that_left_has_every_lease_of_its_instances_ended_at_once() {
    String channel = channel();
    String one = "gone.1." + channel;
    String two = "gone.2." + channel;
    String other = "stays.1." + channel;
    for (String instance : List.of(one, two, other)) {
      lease(instance, instance.substring(0, instance.indexOf('.')), LEASE_MS);
      route(instance, List.of(channel), List.of());
    }
    await(() -> store.nodeLeft("gone"));
    assertThat(await(() -> store.routes(channel))).containsExactly(other);
    assertThat(lease(one, "gone", LEASE_MS)).isFalse();
  }

  protected static String channel() {
    return "t:c" + CHANNELS.incrementAndGet() + "-" + System.nanoTime();
  }

  protected AppendResult append(String channel, String data, String key, NamespaceConfig ns) {
    return await(() -> store.append(new AppendCommand(channel, data, null, key, now()), ns));
  }

  protected HistoryPage read(String channel, Position since, int limit, NamespaceConfig ns) {
    return await(() -> store.read(new HistoryRead(channel, since, limit), ns));
  }

  /** Runs a call on the store's event loop and waits for its result. */
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
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("the store call failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Runs a call on the store's event loop and returns how it failed. */
  protected Throwable awaitFailure(Supplier<Future<?>> call) {
    CompletableFuture<Throwable> result = new CompletableFuture<>();
    context.runOnContext(v -> call.get().onComplete(ar -> result.complete(ar.failed() ? ar.cause() : null)));
    try {
      Throwable failure = result.get(20, TimeUnit.SECONDS);
      assertThat(failure).as("the call should have failed").isNotNull();
      return failure;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
