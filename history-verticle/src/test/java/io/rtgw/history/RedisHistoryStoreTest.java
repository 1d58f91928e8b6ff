package io.rtgw.history;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.redis.RedisLink;
import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.RedisServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on Redis, plus what only a shared, external store has: TTLs, several instances on one
 * sequence, and Redis losing its state, stopping or hanging. A real redis-server, started for this class.
 */
class RedisHistoryStoreTest extends HistoryStoreContract {

  /** For ordinary calls: generous, as this machine's cores are shared. */
  static final long TIMEOUT_MS = 10_000;
  /** For the test of the timeout itself. */
  static final long SHORT_TIMEOUT_MS = 1_000;
  /** A stopped Redis refuses connections: calls fail at once, long before any timeout. */
  static final long FAIL_FAST_MS = 3_000;
  static final String PREFIX = "rtgw-test:";
  private static RedisServer server;

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  private static RedisConfig config(long timeoutMs) {
    return new RedisConfig(server.endpoint(), 10_000, timeoutMs, PREFIX);
  }

  @Override
  protected HistoryStore createStore(Vertx vertx, long idempotencyWindowMs, int changesRetained) {
    if (!server.isRunning()) {
      server.restart();
    }
    return new RedisHistoryStore(vertx, config(TIMEOUT_MS), idempotencyWindowMs, System::currentTimeMillis,
        changesRetained);
  }

  @Override
  protected long now() {
    return System.currentTimeMillis();
  }

  /** Redis expires keys on its own clock: real time has to pass. */
  @Override
  protected void letTimePass(long ms) {
    try {
      // a real-time wait on purpose: the contract's TTL and window cases need Redis's own clock to move on
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void every_key_has_a_ttl_and_the_metadata_outlives_the_log() {
    String channel = channel();
    append(channel, "1", "k-ttl", SMALL);
    RedisKeys keys = new RedisKeys(PREFIX);

    long log = pttl(keys.log(channel));
    long meta = pttl(keys.meta(channel));
    long key = pttl(keys.idempotency(channel, "k-ttl"));

    assertThat(log).isPositive().isLessThanOrEqualTo(SMALL.historyAgeMs());
    assertThat(meta).isGreaterThan(SMALL.historyAgeMs()).isLessThanOrEqualTo(SMALL.historyAgeMs() + HistoryStore.EPOCH_GRACE_MS);
    assertThat(key).isPositive().isLessThanOrEqualTo(WINDOW_MS);
    assertThat(pttl(keys.changes())).isPositive().isLessThanOrEqualTo(RedisHistoryStore.CHANGES_TTL_MS);
  }

  @Test
  void a_batched_position_read_keeps_a_quiet_channels_epoch_alive_as_a_read_does() {
    String channel = channel();
    append(channel, "1", null, SMALL);
    RedisKeys keys = new RedisKeys(PREFIX);
    server.command("PEXPIRE " + keys.meta(channel) + " 5000");

    await(() -> store.positions(List.of(channel), c -> SMALL));

    assertThat(pttl(keys.meta(channel))).isGreaterThan(SMALL.historyAgeMs());
  }

  @Test
  void after_flushall_a_cursor_is_answered_incomplete() {
    String cursor = await(() -> store.changes(new io.rtgw.protocol.ChangesRead(null, 10))).cursor();
    append(channel(), "1", null, SMALL);
    server.flushAll();
    append(channel(), "1", null, SMALL);

    assertThat(await(() -> store.changes(new io.rtgw.protocol.ChangesRead(cursor, 10))).complete()).isFalse();
  }

  @Test
  void an_aged_out_log_is_gone_from_redis_while_the_epoch_stays() {
    String channel = channel();
    String epoch = append(channel, "1", null, BRIEF).message().epoch();
    letTimePass(BRIEF.historyAgeMs() + 300);

    assertThat(server.command("EXISTS " + new RedisKeys(PREFIX).log(channel))).isEqualTo(":0");
    HistoryPage page = read(channel, new Position(epoch, 1), -1, BRIEF);
    assertThat(page.epoch()).isEqualTo(epoch);
    assertThat(page.recovered()).isTrue();
    assertThat(append(channel, "2", null, BRIEF).message().offset()).isEqualTo(2);
  }

  @Test
  void four_stores_appending_at_once_share_one_sequence() throws Exception {
    String channel = channel();
    int stores = 4;
    int each = 500;
    List<HistoryStore> instances = new ArrayList<>();
    List<Future<List<Long>>> runs = new ArrayList<>();
    for (int s = 0; s < stores; s++) {
      HistoryStore instance = createStore(vertx, WINDOW_MS);
      instances.add(instance);
      Context own = vertx.getOrCreateContext();
      Promise<List<Long>> done = Promise.promise();
      own.runOnContext(v -> {
        List<Future<AppendResult>> all = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          all.add(instance.append(new AppendCommand(channel, String.valueOf(i), null, null, now()), SMALL));
        }
        Future.all(all).map(cf -> cf.<AppendResult>list().stream().map(r -> r.message().offset()).toList())
            .onComplete(done);
      });
      runs.add(done.future());
    }
    List<Long> offsets = new ArrayList<>();
    for (Future<List<Long>> run : runs) {
      offsets.addAll(run.await(20, TimeUnit.SECONDS));
    }
    instances.forEach(HistoryStore::close);

    assertThat(offsets.stream().sorted().toList()).isEqualTo(Offsets.range(1, stores * each));
  }

  @Test
  void metadata_lost_alone_starts_a_new_epoch_and_drops_the_orphaned_log() {
    String channel = channel();
    String old = append(channel, "1", null, SMALL).message().epoch();
    append(channel, "2", null, SMALL);
    server.command("DEL " + new RedisKeys(PREFIX).meta(channel));

    Message next = append(channel, "3", null, SMALL).message();
    HistoryPage page = read(channel, new Position(old, 2), -1, SMALL);

    assertThat(next.epoch()).isNotEqualTo(old);
    assertThat(next.offset()).isEqualTo(1);
    assertThat(page.recovered()).isFalse();
    assertThat(page.messages()).extracting(Message::data).containsExactly("3");
  }

  @Test
  void after_a_restart_without_persistence_the_next_append_starts_a_new_epoch() {
    String channel = channel();
    append(channel, "1", null, SMALL);
    String old = append(channel, "2", null, SMALL).message().epoch();

    server.stop();
    server.restart();
    Message next = append(channel, "3", null, SMALL).message();
    HistoryPage resumed = read(channel, new Position(old, 2), -1, SMALL);

    assertThat(next.epoch()).isNotEqualTo(old);
    assertThat(next.offset()).isEqualTo(1);
    assertThat(resumed.recovered()).isFalse();
    assertThat(resumed.epoch()).isEqualTo(next.epoch());
    assertThat(resumed.offset()).isEqualTo(1);
    assertThat(resumed.messages()).extracting(Message::offset).containsExactly(1L);
  }

  @Test
  void after_flushall_a_read_with_the_old_epoch_is_not_recovered() {
    String channel = channel();
    String old = append(channel, "1", null, SMALL).message().epoch();
    server.flushAll();

    HistoryPage page = read(channel, new Position(old, 1), -1, SMALL);

    assertThat(page.epoch()).isNotEqualTo(old);
    assertThat(page.recovered()).isFalse();
    assertThat(page.offset()).isZero();
  }

  @Test
  void while_redis_is_down_calls_fail_fast_with_unavailable_and_recover_when_it_is_back() {
    String channel = channel();
    append(channel, "1", null, SMALL);
    server.stop();

    long started = System.nanoTime();
    Throwable appendFailure = awaitFailure(() -> store.append(new AppendCommand(channel, "2", null, null, now()), SMALL));
    long appendMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    Throwable readFailure = awaitFailure(() -> store.read(new io.rtgw.protocol.HistoryRead(channel, null, 0), SMALL));
    boolean healthyWhileDown = await(() -> store.healthy());

    assertUnavailable(appendFailure);
    assertUnavailable(readFailure);
    assertThat(appendMs).isLessThan(FAIL_FAST_MS);
    assertThat(healthyWhileDown).isFalse();

    server.restart();
    awaitHealthy();
    Message after = append(channel, "3", null, SMALL).message();
    assertThat(after.offset()).as("a new epoch: the restarted Redis is empty").isEqualTo(1);
  }

  @Test
  void a_hung_redis_fails_calls_with_unavailable_within_the_command_timeout() {
    String channel = channel();
    HistoryStore quick = new RedisHistoryStore(vertx, config(SHORT_TIMEOUT_MS), WINDOW_MS, System::currentTimeMillis);
    String epoch = await(() -> quick.append(new AppendCommand(channel, "1", null, null, now()), SMALL)).message().epoch();
    server.pause();
    try {
      long started = System.nanoTime();
      Throwable failure = awaitFailure(() -> quick.append(new AppendCommand(channel, "2", null, "k-hung", now()), SMALL));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertUnavailable(failure);
      assertThat(failure.getMessage()).contains("did not answer within " + SHORT_TIMEOUT_MS + " ms");
      assertThat(ms).isBetween(SHORT_TIMEOUT_MS - 50, SHORT_TIMEOUT_MS + 2_000);
    } finally {
      server.resume();
    }
    // the timed-out append ran once Redis woke up: the client's retry with its key is not published twice
    AppendResult retry = await(() -> quick.append(new AppendCommand(channel, "2", null, "k-hung", now()), SMALL));
    await(() -> quick.close());
    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.message().epoch()).isEqualTo(epoch);
    assertThat(retry.message().offset()).isEqualTo(2);
    assertThat(append(channel, "3", null, SMALL).message().offset()).isEqualTo(3);
  }

  @Test
  void calls_past_the_waiting_limit_fail_at_once_and_the_others_are_sequenced_without_holes() {
    String channel = channel();
    HistoryStore narrow = new RedisHistoryStore(vertx, new RedisConfig(server.endpoint(), 8, TIMEOUT_MS, PREFIX),
        WINDOW_MS, System::currentTimeMillis);
    read(channel, null, 0, SMALL);
    List<Future<AppendResult>> calls = await(() -> narrow.healthy().map(ok -> {
      List<Future<AppendResult>> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        all.add(narrow.append(new AppendCommand(channel, String.valueOf(i), null, null, now()), SMALL));
      }
      return all;
    }));
    await(() -> Future.join(calls).otherwiseEmpty());
    await(() -> narrow.close());

    List<Long> offsets = calls.stream().filter(Future::succeeded).map(f -> f.result().message().offset()).sorted().toList();
    List<Throwable> refused = calls.stream().filter(Future::failed).map(Future::cause).toList();
    assertThat(refused).isNotEmpty().allSatisfy(e -> {
      assertUnavailable(e);
      assertThat(e.getMessage()).contains("too many requests waiting");
    });
    assertThat(offsets).isEqualTo(Offsets.range(1, offsets.size()));
  }

  /** Attempts to reconnect are spaced by a backoff: the store is back within its longest step. */
  private void awaitHealthy() {
    eventually(Duration.ofMillis(RedisLink.MAX_BACKOFF_MS + 2_000),
        () -> assertThat(await(() -> store.healthy())).as("healthy again within the longest backoff").isTrue());
  }

  private static void assertUnavailable(Throwable failure) {
    assertThat(failure).isInstanceOf(GatewayException.class);
    assertThat(((GatewayException) failure).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(failure.getMessage()).contains("Redis").endsWith("retry later.");
  }

  private static long pttl(String key) {
    String reply = server.command("PTTL " + key);
    assertThat(reply).startsWith(":");
    return Long.parseLong(reply.substring(1));
  }
}
