package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.RouteChanges;
import io.rtgw.protocol.codec.Codecs;
import io.rtgw.protocol.config.DeliveryConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: with history too slow to answer a route batch, subscribes to node-routed channels were left
 * without an answer. A history stand-in on the bus (real consumers, answering or not as told) drops route
 * requests; every subscribe must still be answered, success or failure, within a few request timeouts.
 */
class RouteFailureTest {

  private static final long TIMEOUT_MS = 400;
  /** Far past the test: no lease refresh comes to flush what a failed batch left queued. */
  private static final long LEASE_MS = 600_000;
  /** What a subscribe may take at most: the open deadline (three request timeouts) and leeway. */
  private static final long ANSWER_MS = 3 * TIMEOUT_MS + 5 + ChannelHub.OPEN_MARGIN_MS + 3_000;

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final List<RouteChanges> stored = new CopyOnWriteArrayList<>();
  private final AtomicInteger routeRequests = new AtomicInteger();
  /** Route requests dropped (never answered) while true. */
  private final AtomicBoolean dropRoutes = new AtomicBoolean(true);
  /** The lease answers "expired" once this many leases were asked for: the instance re-asserts its routes. */
  private final AtomicInteger leaseExpiresAt = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicInteger leases = new AtomicInteger();
  /** Position reads go unanswered while false. */
  private final AtomicBoolean answerReads = new AtomicBoolean(true);
  private ChannelHub hub;

  @BeforeEach
  void historyThatDropsRoutes() throws Exception {
    Codecs.register(vertx);
    vertx.eventBus().<Object>consumer(Addresses.HISTORY_LEASE, m -> m.reply(leases.incrementAndGet() != leaseExpiresAt.get()));
    vertx.eventBus().<RouteChanges>consumer(Addresses.HISTORY_ROUTES, m -> {
      routeRequests.incrementAndGet();
      if (!dropRoutes.get()) {
        stored.add(m.body());
        m.reply(true);
      }
    });
    vertx.eventBus().<HistoryRead>consumer(Addresses.HISTORY_READ, m -> {
      if (answerReads.get()) {
        m.reply(new HistoryPage(m.body().channel(), "e1", 0, true, List.of()));
      }
    });
    hub = hub(LEASE_MS, TIMEOUT_MS);
  }

  /** {@code tiersTimeoutMs}: the timeout of the hub's reads, which the test may set past its length. */
  private ChannelHub hub(long leaseMs, long tiersTimeoutMs) throws Exception {
    DeliveryConfig delivery = new DeliveryConfig(null, 3_600_000L, TIMEOUT_MS, null, null, null, null, null, null,
        null, null, leaseMs, 5L);
    return on(() -> {
      ChannelHub h = new ChannelHub(vertx, new Tiers(vertx, tiersTimeoutMs), delivery, "node-1.0", "node-1",
          channel -> channel.startsWith("user:"));
      return h.started().map(h);
    });
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void opensQueuedBehindAFailedRouteBatchAreAnsweredNotLeftWaiting() throws Exception {
    List<CompletableFuture<Boolean>> first = subscribe("user:a", 20);
    awaitRouteRequests(1);
    // these wait behind the batch in flight, which history never answers
    List<CompletableFuture<Boolean>> queued = subscribe("user:b", 20);
    for (CompletableFuture<Boolean> answer : all(first, queued)) {
      assertThat(answer.get(ANSWER_MS, TimeUnit.MILLISECONDS)).as("a subscribe behind a dropped batch fails").isFalse();
    }
    assertThat(on(() -> Future.succeededFuture(hub.channelCount()))).as("failed opens leave no channel").isZero();
    // the failed channels' removes go out in a batch of their own, dropped too: user:c must not queue behind it
    awaitNoRouteRequestInFlight();

    dropRoutes.set(false);
    for (CompletableFuture<Boolean> answer : subscribe("user:c", 10)) {
      assertThat(answer.get(ANSWER_MS, TimeUnit.MILLISECONDS)).as("history answers again: subscribed").isTrue();
    }
    assertThat(stored.stream().flatMap(c -> c.add().stream())).contains("user:c0", "user:c9");
  }

  @Test
  void anOpenInFlightDuringALeaseReassertIsAnsweredWhenItsBatchFails() throws Exception {
    // leases every 100 ms here: the re-assert comes while the batch below waits
    on(() -> hub.close());
    hub = hub(100, TIMEOUT_MS);
    dropRoutes.set(false);
    for (CompletableFuture<Boolean> answer : subscribe("user:open", 10)) {
      assertThat(answer.get(ANSWER_MS, TimeUnit.MILLISECONDS)).isTrue();
    }
    dropRoutes.set(true);
    int before = routeRequests.get();
    List<CompletableFuture<Boolean>> opening = subscribe("user:new", 10);
    awaitRouteRequests(before + 1);
    // the lease lapsed while the batch is in flight: every route (the opening ones too) is queued again
    leaseExpiresAt.set(leases.get() + 1);
    for (CompletableFuture<Boolean> answer : opening) {
      assertThat(answer.get(ANSWER_MS, TimeUnit.MILLISECONDS)).isFalse();
    }
    dropRoutes.set(false);
    // the open channels' routes, asserted again after the failure, are stored with the next batch
    for (CompletableFuture<Boolean> answer : subscribe("user:later", 1)) {
      assertThat(answer.get(ANSWER_MS, TimeUnit.MILLISECONDS)).isTrue();
    }
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (stored.stream().skip(1).noneMatch(c -> c.add().contains("user:open9")) && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(leases.get()).as("the lease was found expired").isGreaterThanOrEqualTo(leaseExpiresAt.get());
    assertThat(stored.stream().skip(1).flatMap(c -> c.add().stream())).contains("user:open0", "user:open9")
        .doesNotContain("user:new0");
    assertThat(on(() -> Future.succeededFuture(hub.channelCount()))).isEqualTo(11);
  }

  @Test
  void anOpenStuckOnAStepIsGivenUpAtItsDeadlineAndItsSubscribesAnswered() throws Exception {
    // the reads' own timeout lies past the test: only the open's deadline can answer these
    on(() -> hub.close());
    hub = hub(LEASE_MS, 600_000);
    dropRoutes.set(false);
    answerReads.set(false);
    List<CompletableFuture<Boolean>> stuck = subscribe("feed:stuck", 3);
    stuck.addAll(subscribe("user:stuck", 3));
    for (CompletableFuture<Boolean> answer : stuck) {
      assertThat(answer.get(ANSWER_MS, TimeUnit.MILLISECONDS)).as("answered unavailable at the deadline").isFalse();
    }
    assertThat(on(() -> Future.succeededFuture(hub.channelCount()))).as("the stuck channels are closed").isZero();
    answerReads.set(true);
    for (CompletableFuture<Boolean> answer : subscribe("feed:stuck", 3)) {
      assertThat(answer.get(ANSWER_MS, TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  private List<CompletableFuture<Boolean>> subscribe(String prefix, int count) throws Exception {
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      answers.add(new CompletableFuture<>());
    }
    on(() -> {
      for (int i = 0; i < count; i++) {
        CompletableFuture<Boolean> answer = answers.get(i);
        Subscription s = hub.subscription(prefix + i, new ResumeTableTest.RecordingSink());
        hub.resume(s, null, 10).onComplete(ar -> answer.complete(ar.succeeded()));
      }
      return Future.succeededFuture();
    });
    return answers;
  }

  @SafeVarargs
  private static List<CompletableFuture<Boolean>> all(List<CompletableFuture<Boolean>>... lists) {
    List<CompletableFuture<Boolean>> out = new ArrayList<>();
    for (List<CompletableFuture<Boolean>> l : lists) {
      out.addAll(l);
    }
    return out;
  }

  /** No route request sent for longer than the request timeout: any the stand-in dropped has timed out. */
  private void awaitNoRouteRequestInFlight() throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int seen;
    do {
      seen = routeRequests.get();
      Thread.sleep(TIMEOUT_MS + 100);
    } while (routeRequests.get() != seen && System.nanoTime() < until);
    assertThat(routeRequests.get()).as("route requests settle").isEqualTo(seen);
  }

  private void awaitRouteRequests(int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (routeRequests.get() < n && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(routeRequests.get()).isGreaterThanOrEqualTo(n);
  }

  private <T> T on(java.util.concurrent.Callable<Future<T>> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        work.call().onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(ar.result());
          } else {
            done.completeExceptionally(ar.cause());
          }
        });
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(10, TimeUnit.SECONDS);
  }
}
