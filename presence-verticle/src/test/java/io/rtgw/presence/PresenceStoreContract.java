package io.rtgw.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link PresenceStore} contract, written once and run against every store. Time is what the test
 * passes in ({@code now}), so the lease edges are exact on every store.
 */
abstract class PresenceStoreContract {

  /** A lease's TTL. */
  static final long TTL = 60_000;

  protected static Vertx vertx;
  private Context context;
  protected PresenceStore store;

  /** A new, empty store. */
  protected abstract PresenceStore createStore(Vertx vertx);

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
    store = createStore(vertx);
  }

  @AfterEach
  void closeStore() {
    await(() -> store.close());
  }

  @Test
  void a_user_joins_with_the_first_client_and_leaves_with_the_last() {
    PresenceEntry tab1 = new PresenceEntry("chat:a", "alice", "c1");
    PresenceEntry tab2 = new PresenceEntry("chat:a", "alice", "c2");
    assertThat(joins("n1", 0, tab1)).containsExactly(PresenceEvent.join(tab1));
    assertThat(joins("n1", 0, tab2)).isEmpty();
    assertThat(members("chat:a")).containsExactly(new PresenceMember("alice", 2));
    assertThat(leaves("n1", tab1)).isEmpty();
    assertThat(leaves("n1", tab2)).containsExactly(PresenceEvent.leave(tab2));
    assertThat(members("chat:a")).isEmpty();
  }

  @Test
  void a_repeated_leave_is_reported_once() {
    PresenceEntry e = new PresenceEntry("chat:a", "bob", "c1");
    joins("n1", 0, e);
    assertThat(leaves("n1", e)).hasSize(1);
    assertThat(leaves("n1", e)).isEmpty();
  }

  @Test
  void a_leave_of_an_entry_never_seen_changes_nothing() {
    PresenceEntry there = new PresenceEntry("chat:a", "bob", "c1");
    joins("n1", 0, there);
    assertThat(leaves("n1", new PresenceEntry("chat:a", "bob", "c2"), new PresenceEntry("chat:b", "bob", "c1")))
        .isEmpty();
    assertThat(members("chat:a")).containsExactly(new PresenceMember("bob", 1));
  }

  @Test
  void the_entries_of_a_holder_whose_lease_is_not_renewed_within_the_ttl_expire_with_a_leave() {
    PresenceEntry stale = new PresenceEntry("chat:a", "carol", "c1");
    PresenceEntry fresh = new PresenceEntry("chat:a", "dave", "c2");
    joins("n1", 0, stale);
    joins("n2", 0, fresh);
    assertThat(renew("n2", TTL - 100)).as("a lease a report started answers once that it may lack entries").isFalse();
    assertThat(expire(TTL - 1)).isEmpty();
    assertThat(expire(TTL)).containsExactly(PresenceEvent.leave(stale));
    assertThat(expire(2 * TTL - 101)).isEmpty();
    assertThat(expire(2 * TTL - 100)).containsExactly(PresenceEvent.leave(fresh));
    assertThat(members("chat:a")).isEmpty();
  }

  @Test
  void a_report_extends_its_holders_lease_for_every_entry_it_holds() {
    PresenceEntry early = new PresenceEntry("chat:a", "lou", "c1");
    PresenceEntry late = new PresenceEntry("chat:b", "lou", "c2");
    joins("n1", 0, early);
    joins("n1", 500, late);
    assertThat(expire(TTL)).isEmpty();
    assertThat(expire(TTL + 500)).containsExactlyInAnyOrder(PresenceEvent.leave(early), PresenceEvent.leave(late));
  }

  @Test
  void a_renewal_says_whether_the_registry_holds_every_entry_of_the_holder() {
    PresenceEntry e = new PresenceEntry("chat:a", "mia", "c1");
    assertThat(renew("n1", 0)).as("no lease yet").isFalse();
    assertThat(renew("n1", 10)).as("renewed in time").isTrue();
    joins("n1", 20, e);
    assertThat(renew("n1", 30)).isTrue();
    // frozen past its lease: whether or not a sweep came, the holder must re-assert
    assertThat(renew("n1", 30 + TTL)).isFalse();
    assertThat(renew("n1", 40 + TTL)).isTrue();
    assertThat(expire(50 + 2 * TTL)).containsExactly(PresenceEvent.leave(e));
    // a join after its lease was swept starts a lease that does not hold what the sweep took
    joins("n1", 60 + 2 * TTL, e);
    assertThat(renew("n1", 70 + 2 * TTL)).isFalse();
    assertThat(renew("n1", 80 + 2 * TTL)).isTrue();
    await(() -> store.removeNode("n1"));
    assertThat(renew("n1", 90 + 2 * TTL)).as("its node left").isFalse();
  }

  @Test
  void the_instances_of_a_node_hold_leases_of_their_own_and_leave_with_their_node() {
    PresenceEntry onFirst = new PresenceEntry("chat:a", "ned", "c1");
    PresenceEntry onSecond = new PresenceEntry("chat:a", "ola", "c2");
    PresenceEntry elsewhere = new PresenceEntry("chat:a", "pat", "c3");
    String first = PresenceReport.holder("node-a", "i1");
    String second = PresenceReport.holder("node-a", "i2");
    joins(first, 0, onFirst);
    joins(second, 0, onSecond);
    joins(PresenceReport.holder("node-b", "i1"), 0, elsewhere);
    renew(second, TTL - 1);
    assertThat(expire(TTL)).containsExactlyInAnyOrder(PresenceEvent.leave(onFirst), PresenceEvent.leave(elsewhere));
    assertThat(members("chat:a")).containsExactly(new PresenceMember("ola", 1));
    joins(first, TTL + 1, onFirst);
    assertThat(await(() -> store.removeNode("node-a")))
        .containsExactlyInAnyOrder(PresenceEvent.leave(onFirst), PresenceEvent.leave(onSecond));
    assertThat(members("chat:a")).isEmpty();
  }

  @Test
  void an_entry_that_left_and_came_back_elsewhere_is_swept_and_removed_by_its_latest_report_only() {
    PresenceEntry back = new PresenceEntry("chat:a", "ivy", "c1");
    joins("n1", 0, back);
    leaves("n1", back);
    joins("n2", 500, back);
    assertThat(expire(TTL)).isEmpty();
    assertThat(await(() -> store.removeNode("n1"))).isEmpty();
    assertThat(members("chat:a")).containsExactly(new PresenceMember("ivy", 1));
    assertThat(await(() -> store.removeNode("n2"))).containsExactly(PresenceEvent.leave(back));
    assertThat(expire(TTL + 500)).isEmpty();
  }

  @Test
  void a_user_whose_clients_expire_one_by_one_leaves_once_with_the_last() {
    PresenceEntry early = new PresenceEntry("chat:a", "hal", "c1");
    PresenceEntry late = new PresenceEntry("chat:a", "hal", "c2");
    joins("n1", 0, early);
    joins("n2", 10, late);
    assertThat(expire(TTL)).isEmpty();
    assertThat(members("chat:a")).containsExactly(new PresenceMember("hal", 1));
    assertThat(expire(TTL + 10)).containsExactly(PresenceEvent.leave(late));
    assertThat(expire(TTL + 20)).isEmpty();
  }

  @Test
  void a_node_that_leaves_takes_its_clients_but_not_those_of_other_nodes() {
    PresenceEntry onCrashed = new PresenceEntry("chat:a", "erin", "c1");
    PresenceEntry alsoOnCrashed = new PresenceEntry("chat:b", "erin", "c1");
    PresenceEntry otherTab = new PresenceEntry("chat:a", "erin", "c9");
    PresenceEntry elsewhere = new PresenceEntry("chat:a", "frank", "c2");
    joins("crashed", 0, onCrashed, alsoOnCrashed);
    joins("alive", 0, otherTab, elsewhere);
    List<PresenceEvent> events = await(() -> store.removeNode("crashed"));
    // erin still has a tab on the live node in chat:a, so only chat:b sees her leave
    assertThat(events).containsExactly(PresenceEvent.leave(alsoOnCrashed));
    assertThat(members("chat:a")).containsExactly(new PresenceMember("erin", 1), new PresenceMember("frank", 1));
    assertThat(await(() -> store.removeNode("crashed"))).isEmpty();
  }

  @Test
  void a_client_that_reports_from_another_node_stays_when_its_first_node_leaves() {
    PresenceEntry poller = new PresenceEntry("chat:a", "ivy", "p1");
    joins("n1", 0, poller);
    assertThat(refresh("n2", 10, poller)).isEmpty();
    assertThat(await(() -> store.removeNode("n1"))).isEmpty();
    assertThat(members("chat:a")).containsExactly(new PresenceMember("ivy", 1));
    assertThat(await(() -> store.removeNode("n2"))).containsExactly(PresenceEvent.leave(poller));
  }

  @Test
  void a_refresh_of_an_unknown_entry_adds_it_back() {
    PresenceEntry e = new PresenceEntry("chat:a", "gina", "c1");
    assertThat(refresh("n1", 0, e)).containsExactly(PresenceEvent.join(e));
    assertThat(refresh("n1", 0, e)).isEmpty();
  }

  @Test
  void a_report_applies_its_leaves_before_its_joins() {
    // a client that unsubscribed and subscribed again within one report interval
    PresenceEntry e = new PresenceEntry("chat:a", "jo", "c1");
    joins("n1", 0, e);
    List<PresenceEvent> events = await(() -> store.apply(new PresenceReport("n1", List.of(e), List.of(e), null), 5, TTL));
    assertThat(events).containsExactly(PresenceEvent.leave(e), PresenceEvent.join(e));
    assertThat(members("chat:a")).containsExactly(new PresenceMember("jo", 1));
  }

  @Test
  void members_are_sorted_by_user_and_channels_are_apart() {
    joins("n1", 0, new PresenceEntry("chat:a", "zed", "c1"), new PresenceEntry("chat:a", "Amy", "c2"),
        new PresenceEntry("chat:a", "bea", "c3"), new PresenceEntry("chat:a", "bea", "c4"),
        new PresenceEntry("chat:b", "carl", "c5"));
    assertThat(members("chat:a")).containsExactly(new PresenceMember("Amy", 1), new PresenceMember("bea", 2),
        new PresenceMember("zed", 1));
    assertThat(members("chat:b")).containsExactly(new PresenceMember("carl", 1));
    assertThat(members("chat:none")).isEmpty();
  }

  @Test
  void user_and_client_ids_are_kept_apart_whatever_they_hold() {
    // the same characters split differently between user and client are different entries
    PresenceEntry a = new PresenceEntry("chat:a", "u:1\n", "2");
    PresenceEntry b = new PresenceEntry("chat:a", "u:1", "\n2");
    PresenceEntry c = new PresenceEntry("chat:a", "ünï", "çø");
    assertThat(joins("n1", 0, a, b, c)).containsExactly(PresenceEvent.join(a), PresenceEvent.join(b), PresenceEvent.join(c));
    assertThat(leaves("n1", a)).containsExactly(PresenceEvent.leave(a));
    assertThat(expire(TTL)).containsExactlyInAnyOrder(PresenceEvent.leave(b), PresenceEvent.leave(c));
  }

  @Test
  void entries_counts_each_client_in_each_channel_through_joins_refreshes_leaves_expiry_and_departures() {
    PresenceEntry a1 = new PresenceEntry("chat:a", "jo", "c1");
    PresenceEntry a2 = new PresenceEntry("chat:a", "jo", "c2");
    PresenceEntry b1 = new PresenceEntry("chat:b", "jo", "c1");
    PresenceEntry other = new PresenceEntry("chat:a", "kim", "c3");
    assertThat(await(() -> store.entries())).isZero();
    joins("n1", 0, a1, a2, b1);
    joins("n2", 0, other);
    assertThat(await(() -> store.entries())).isEqualTo(4);
    refresh("n1", 0, a1, a2);
    assertThat(await(() -> store.entries())).as("a refresh adds no entry").isEqualTo(4);
    leaves("n1", a2);
    leaves("n1", a2);
    assertThat(await(() -> store.entries())).as("a repeated leave removes one").isEqualTo(3);
    await(() -> store.removeNode("n2"));
    assertThat(await(() -> store.entries())).isEqualTo(2);
    expire(TTL + 1);
    assertThat(await(() -> store.entries())).isZero();
  }

  // ---- helpers

  protected List<PresenceEvent> joins(String node, long now, PresenceEntry... entries) {
    return await(() -> store.apply(new PresenceReport(node, List.of(entries), null, null), now, TTL));
  }

  protected List<PresenceEvent> leaves(String node, PresenceEntry... entries) {
    return await(() -> store.apply(new PresenceReport(node, null, List.of(entries), null), 0, TTL));
  }

  protected List<PresenceEvent> refresh(String node, long now, PresenceEntry... entries) {
    return await(() -> store.apply(new PresenceReport(node, null, null, List.of(entries)), now, TTL));
  }

  protected boolean renew(String holder, long now) {
    return await(() -> store.renew(holder, now, TTL));
  }

  protected List<PresenceEvent> expire(long now) {
    return await(() -> store.expire(now));
  }

  protected List<PresenceMember> members(String channel) {
    return await(() -> store.members(channel));
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
    } catch (ExecutionException e) {
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

  protected Context context() {
    return context;
  }
}
