package io.rtgw.presence;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.redis.RedisLink;
import io.rtgw.testkit.RedisServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store contract on Redis, plus what only a shared, external store has: several instances sweeping
 * and removing nodes at once, key TTLs, and Redis stopping or hanging. A real redis-server, started for
 * this class; each test has a key prefix, so a registry, of its own.
 */
class RedisPresenceStoreTest extends PresenceStoreContract {

  private static final Logger LOG = LoggerFactory.getLogger(RedisPresenceStoreTest.class);
  /** For ordinary calls: generous, as this machine's cores are shared. */
  static final long TIMEOUT_MS = 10_000;
  /** For the tests of the timeout itself and of a stopped Redis. */
  static final long SHORT_TIMEOUT_MS = 1_000;
  /** A stopped Redis refuses connections: calls fail at once, long before any timeout. */
  static final long FAIL_FAST_MS = 3_000;
  /** Presence instances that share one registry in the concurrency tests. */
  static final int INSTANCES = 4;
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static RedisServer server;
  private String prefix;

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  @Override
  protected PresenceStore createStore(Vertx vertx) {
    if (!server.isRunning()) {
      server.restart();
    }
    prefix = "t" + PREFIXES.incrementAndGet() + ":";
    return instance(TIMEOUT_MS);
  }

  /** Another presence instance on this test's registry. */
  private PresenceStore instance(long timeoutMs) {
    return new RedisPresenceStore(vertx, new RedisConfig(server.endpoint(), 10_000, timeoutMs, prefix));
  }

  @Test
  void instances_sweeping_at_once_report_each_leave_exactly_once() {
    // 300 users in 3 channels on 100 holders whose leases run out over 5 s of store time; a third of the
    // users with two clients on holders 50 ms apart, so a user's leave comes with its second expiry only
    Set<PresenceEvent> expected = new HashSet<>();
    for (int u = 0; u < 300; u++) {
      long joined = (u % 50) * 100L;
      for (String channel : List.of("chat:x", "chat:y", "chat:z")) {
        PresenceEntry first = new PresenceEntry(channel, "u" + u, "a" + u);
        joins("n" + (u % 50), joined, first);
        PresenceEntry last = first;
        if (u % 3 == 0) {
          last = new PresenceEntry(channel, "u" + u, "b" + u);
          joins("m" + (u % 50), joined + 50, last);
        }
        expected.add(PresenceEvent.leave(last));
      }
    }

    // each instance walks the clock over the expiries in its own steps, all at once
    List<PresenceEvent> leaves = onEveryInstance(INSTANCES, (instance, i) -> sweepFrom(instance, TTL, TTL + 5_100, 20 + 7 * i));

    assertThat(leaves).hasSize(expected.size());
    assertThat(new HashSet<>(leaves)).isEqualTo(expected);
    assertThat(members("chat:x")).isEmpty();
    assertThat(server.command("EXISTS " + keys().base() + "entries " + keys().base() + "leases")).isEqualTo(":0");
  }

  @Test
  void a_node_removed_by_every_instance_at_once_yields_each_leave_exactly_once() {
    // 1,500 users on the crashed node, more than one call removes; 300 of them have a tab elsewhere too
    Set<PresenceEvent> expected = new HashSet<>();
    List<PresenceEntry> crashed = new ArrayList<>();
    List<PresenceEntry> alive = new ArrayList<>();
    for (int u = 0; u < 1_500; u++) {
      PresenceEntry e = new PresenceEntry("chat:crash", "u" + u, "c" + u);
      crashed.add(e);
      if (u % 5 == 0) {
        alive.add(new PresenceEntry("chat:crash", "u" + u, "other" + u));
      } else {
        expected.add(PresenceEvent.leave(e));
      }
    }
    for (int u = 0; u < 100; u++) {
      alive.add(new PresenceEntry("chat:crash", "v" + u, "c" + u));
    }
    joins("crashed", 0, crashed.toArray(PresenceEntry[]::new));
    joins("alive", 0, alive.toArray(PresenceEntry[]::new));

    // every surviving process announces the departure, and every instance hears each announcement
    List<PresenceEvent> leaves = onEveryInstance(INSTANCES, (instance, i) ->
        instance.removeNode("crashed").compose(first -> instance.removeNode("crashed").map(second -> {
          List<PresenceEvent> both = new ArrayList<>(first);
          both.addAll(second);
          return both;
        })));

    assertThat(leaves).hasSize(expected.size());
    assertThat(new HashSet<>(leaves)).isEqualTo(expected);
    List<PresenceMember> members = members("chat:crash");
    assertThat(members).hasSize(400).allSatisfy(m -> assertThat(m.clients()).isEqualTo(1));
    assertThat(server.command("EXISTS " + keys().node("crashed"))).isEqualTo(":0");
  }

  @Test
  void a_report_and_a_sweep_larger_than_one_call_take_as_many_calls_as_they_need() {
    int entries = 5 * RedisPresenceStore.MAX_ENTRIES_PER_CALL + 100;
    List<PresenceEntry> all = new ArrayList<>();
    for (int u = 0; u < entries; u++) {
      all.add(new PresenceEntry("chat:many", "u" + u, "c" + u));
    }
    long started = System.nanoTime();
    List<PresenceEvent> joined = joins("n1", 0, all.toArray(PresenceEntry[]::new));
    long joinMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    started = System.nanoTime();
    List<PresenceEvent> left = expire(TTL);
    long expireMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    LOG.info("Redis presence: one report of {} joins applied in {} ms; one sweep of {} expiries in {} ms",
        entries, joinMs, entries, expireMs);

    assertThat(joined).hasSize(entries);
    assertThat(left).hasSize(entries).allSatisfy(e -> assertThat(e.type()).isEqualTo(PresenceEvent.LEAVE));
    assertThat(members("chat:many")).isEmpty();
  }

  @Test
  void a_report_split_over_calls_still_applies_every_leave_before_every_join() {
    // clients that unsubscribed and subscribed again within one report, more than one call holds
    List<PresenceEntry> again = new ArrayList<>();
    for (int u = 0; u < RedisPresenceStore.MAX_ENTRIES_PER_CALL + 200; u++) {
      again.add(new PresenceEntry("chat:again", "u" + u, "c" + u));
    }
    joins("n1", 0, again.toArray(PresenceEntry[]::new));

    List<PresenceEvent> events = await(() -> store.apply(new PresenceReport("n1", again, again, null), 5, TTL));

    List<PresenceEvent> expected = new ArrayList<>(again.stream().map(PresenceEvent::leave).toList());
    expected.addAll(again.stream().map(PresenceEvent::join).toList());
    assertThat(events).containsExactlyElementsOf(expected);
    assertThat(members("chat:again")).hasSize(again.size());
  }

  @Test
  void a_renewal_and_an_idle_sweep_touch_no_entry_however_many_there_are() {
    List<PresenceEntry> all = new ArrayList<>();
    for (int u = 0; u < 3 * RedisPresenceStore.MAX_ENTRIES_PER_CALL; u++) {
      all.add(new PresenceEntry("chat:idle-" + (u % 7), "u" + u, "c" + u));
    }
    joins("n1", 0, all.toArray(PresenceEntry[]::new));
    assertThat(renew("n1", 1)).isFalse();
    server.command("CONFIG RESETSTAT");

    for (int beat = 0; beat < 10; beat++) {
      assertThat(renew("n1", 2 + beat)).isTrue();
      assertThat(expire(2 + beat)).isEmpty();
    }

    // per renewal: SREM partial, ZSCORE, ZADD, SADD holders; per idle sweep: one ZRANGEBYSCORE
    long inner = 0;
    for (String line : commandStats().split("\r?\n")) {
      if (line.startsWith("cmdstat_") && !line.matches("cmdstat_(evalsha|eval|info|config|ping|hello|client|select):.*")) {
        inner += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
      }
    }
    assertThat(inner).as("commands inside 10 renewals and 10 sweeps of " + all.size() + " entries").isLessThanOrEqualTo(60);
    assertThat(members("chat:idle-0")).hasSize(215);
  }

  @Test
  void a_registry_that_nobody_swept_is_swept_by_the_next_instance_with_every_leave() {
    PresenceEntry left = new PresenceEntry("chat:a", "lee", "c1");
    joins("n1", 0, left);
    PresenceStore next = instance(TIMEOUT_MS);
    try {
      List<PresenceEvent> swept = await(() -> next.expire(10 * TTL));
      assertThat(swept).containsExactly(PresenceEvent.leave(left));
    } finally {
      await(() -> next.close());
    }
    PresenceKeys keys = keys();
    assertThat(server.command("EXISTS " + keys.base() + "entries " + keys.base() + "leases " + keys.users("chat:a")
        + " " + keys.node("n1") + " " + keys.holders("n1"))).isEqualTo(":0");
  }

  @Test
  void while_redis_is_down_calls_fail_fast_without_blocking_the_event_loop_and_the_store_recovers() throws Exception {
    PresenceEntry e = new PresenceEntry("chat:a", "max", "c1");
    joins("n1", 0, e);
    server.stop();

    // a timer on the store's event loop keeps its beat while the calls fail: nothing there waits
    AtomicLong longestGapMs = new AtomicLong();
    long timer = await(() -> Future.succeededFuture(beat(longestGapMs)));
    try {
      long started = System.nanoTime();
      List<Throwable> failures = new ArrayList<>();
      failures.add(awaitFailure(() -> store.apply(new PresenceReport("n1", null, null, List.of(e)), 1, TTL)));
      failures.add(awaitFailure(() -> store.expire(TTL)));
      failures.add(awaitFailure(() -> store.removeNode("n1")));
      failures.add(awaitFailure(() -> store.members("chat:a")));
      List<Future<List<PresenceEvent>>> burst = await(() -> {
        List<Future<List<PresenceEvent>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          calls.add(store.expire(TTL));
        }
        return Future.succeededFuture(calls);
      });
      await(() -> Future.join(burst).otherwiseEmpty());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(failures).allSatisfy(RedisPresenceStoreTest::assertUnavailable);
      assertThat(burst).allSatisfy(f -> assertUnavailable(f.cause()));
      assertThat(ms).isLessThan(FAIL_FAST_MS);
      assertThat(longestGapMs.get()).as("longest pause of the event loop, ms").isLessThan(750);
    } finally {
      context().runOnContext(v -> vertx.cancelTimer(timer));
    }

    // Redis is back, empty: the next heartbeat heals the registry, with the join
    server.restart();
    List<PresenceEvent> healed = eventually(Duration.ofMillis(RedisLink.MAX_BACKOFF_MS + 2_000), () -> {
      try {
        return on(context(), () -> store.apply(new PresenceReport("n1", null, null, List.of(e)), 2, TTL))
            .get(20, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException failed) {
        throw new AssertionError("back within the longest backoff: " + failed, failed);
      }
    });
    assertThat(healed).containsExactly(PresenceEvent.join(e));
    assertThat(members("chat:a")).containsExactly(new PresenceMember("max", 1));
  }

  @Test
  void a_hung_redis_fails_calls_with_unavailable_within_the_command_timeout() {
    PresenceStore quick = instance(SHORT_TIMEOUT_MS);
    PresenceEntry e = new PresenceEntry("chat:a", "ned", "c1");
    await(() -> quick.apply(new PresenceReport("n1", List.of(e), null, null), 0, TTL));
    server.pause();
    try {
      long started = System.nanoTime();
      Throwable failure = awaitFailure(() -> quick.expire(TTL));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertUnavailable(failure);
      assertThat(failure.getMessage()).contains("did not answer within " + SHORT_TIMEOUT_MS + " ms");
      assertThat(ms).isBetween(SHORT_TIMEOUT_MS - 50, SHORT_TIMEOUT_MS + 2_000);
    } finally {
      server.resume();
    }
    // the timed-out sweep may have run once Redis woke up; either way the leave happened once
    List<PresenceEvent> after = await(() -> quick.expire(TTL));
    await(() -> quick.close());
    assertThat(after).hasSizeLessThanOrEqualTo(1);
    assertThat(members("chat:a")).isEmpty();
  }

  // ---- helpers

  private PresenceKeys keys() {
    return new PresenceKeys(prefix);
  }

  /** Sweeps at every {@code step} ms of store time from {@code from} to {@code to}, one call after another. */
  private static Future<List<PresenceEvent>> sweepFrom(PresenceStore store, long from, long to, long step) {
    List<PresenceEvent> all = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (long t = from; t <= to; t += step) {
      long now = t;
      chain = chain.compose(v -> store.expire(now).map(events -> {
        all.addAll(events);
        return null;
      }));
    }
    return chain.map(v -> all);
  }

  private interface InstanceRun {
    Future<List<PresenceEvent>> run(PresenceStore instance, int index);
  }

  /**
   * Runs {@code run} on {@code n} new instances of this test's registry, each on an event loop of its own,
   * all at once, and returns every event they reported.
   */
  private List<PresenceEvent> onEveryInstance(int n, InstanceRun run) {
    List<CompletableFuture<List<PresenceEvent>>> runs = new ArrayList<>();
    List<PresenceStore> instances = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      PresenceStore instance = instance(TIMEOUT_MS);
      instances.add(instance);
      int index = i;
      runs.add(on(vertx.getOrCreateContext(), () -> run.run(instance, index)));
    }
    List<PresenceEvent> all = new ArrayList<>();
    try {
      for (CompletableFuture<List<PresenceEvent>> r : runs) {
        all.addAll(r.get(60, TimeUnit.SECONDS));
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      instances.forEach(PresenceStore::close);
    }
    return all;
  }

  private static <T> CompletableFuture<T> on(Context context, Supplier<Future<T>> call) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(promise));
    return promise.future().toCompletionStage().toCompletableFuture();
  }

  /** A 10 ms timer on the calling event loop that records the longest gap between its ticks. */
  private static long beat(AtomicLong longestGapMs) {
    long[] last = {System.nanoTime()};
    return vertx.setPeriodic(10, id -> {
      long now = System.nanoTime();
      longestGapMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(now - last[0]), Math::max);
      last[0] = now;
    });
  }

  private static void assertUnavailable(Throwable failure) {
    assertThat(failure).isInstanceOf(GatewayException.class);
    assertThat(((GatewayException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(failure.getMessage()).startsWith("The presence store (Redis)").endsWith("retry later.");
  }

  /** INFO commandstats: a bulk reply, which the test server's one-line command() does not read. */
  private static String commandStats() {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write("INFO commandstats\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
      StringBuilder header = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        header.append((char) c);
      }
      byte[] body = new byte[Integer.parseInt(header.toString().trim().substring(1))];
      in.readFully(body);
      return new String(body, java.nio.charset.StandardCharsets.US_ASCII);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
