package io.rtgw.history;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.Asked;
import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.PositionsRead;
import io.rtgw.protocol.RouteChanges;
import io.rtgw.protocol.RouteLease;
import io.rtgw.protocol.Routes;
import io.rtgw.protocol.RoutesRead;
import io.rtgw.protocol.Replies;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.HistoryConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history tier: sequences appends (it is the only place offsets are assigned) and answers reads,
 * internal ({@link Addresses#HISTORY_READ}) and public ({@link Addresses#HISTORY_QUERY}).
 */
public final class HistoryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryVerticle.class);

  static final long SWEEP_INTERVAL_MS = 10_000;
  /** The most messages one public history query returns. */
  public static final int MAX_QUERY_LIMIT = 1000;

  private GatewayConfig config;
  private HistoryStore store;
  private HistoryMetrics metrics;
  private EventBus bus;
  private long sweepTimer;
  private boolean sweeping;

  @Override
  public Future<?> start() {
    config = GatewayConfig.fromJson(config());
    store = createStore();
    metrics = HistoryMetrics.create();
    bus = vertx.eventBus();
    sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> sweep());
    // a store that is down at start is no reason to fail the deployment: calls fail with 'unavailable'
    // until it is back, and it recovers by itself
    store.healthy().onSuccess(ok -> {
      if (!ok) {
        LOG.warn("The {} history store is not reachable at start; history calls fail until it is",
            config.history().store());
      }
    });
    return Future.join(java.util.List.of(
        bus.<AppendCommand>consumer(Addresses.HISTORY_APPEND, this::append).completion(),
        bus.<HistoryRead>consumer(Addresses.HISTORY_READ, this::read).completion(),
        bus.<ChangesRead>consumer(Addresses.HISTORY_CHANGES, this::changes).completion(),
        bus.<PositionsRead>consumer(Addresses.HISTORY_POSITIONS, this::positions).completion(),
        bus.<JsonObject>consumer(Addresses.HISTORY_QUERY, this::query).completion(),
        bus.<RouteChanges>consumer(Addresses.HISTORY_ROUTES, this::route).completion(),
        bus.<RouteLease>consumer(Addresses.HISTORY_LEASE, this::lease).completion(),
        bus.<RoutesRead>consumer(Addresses.HISTORY_ROUTES_READ, this::routes).completion(),
        bus.<String>consumer(Addresses.NODE_LEFT, this::nodeLeft).completion(),
        bus.<JsonObject>consumer(Addresses.HISTORY_HEALTH, msg -> store.healthy().onComplete(ar ->
            msg.reply(new JsonObject().put("store", config.history().store())
                .put("healthy", ar.succeeded() && ar.result())))).completion()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return store.close();
  }

  private HistoryStore createStore() {
    if (config.history().store().equals(HistoryConfig.REDIS)) {
      return new RedisHistoryStore(vertx, config.redis(), config.history().idempotencyWindowMs(),
          System::currentTimeMillis, config.history().changesRetained());
    }
    return new MemoryHistoryStore(config.history().idempotencyWindowMs(), System::currentTimeMillis,
        config::namespaceOf, config.history().changesRetained());
  }

  private void append(Message<AppendCommand> msg) {
    AppendCommand cmd = msg.body();
    answer(msg, cmd, () -> store.append(cmd, config.namespaceOf(cmd.channel())), result -> result.answering(cmd),
        (result, startedAt) -> metrics.appended(startedAt, result.duplicate()),
        (e, startedAt) -> metrics.appendFailed(startedAt, e));
  }

  private void read(Message<HistoryRead> msg) {
    HistoryRead read = msg.body();
    answer(msg, () -> store.read(read, config.namespaceOf(read.channel())), page -> page,
        (page, startedAt) -> metrics.read(startedAt), (e, startedAt) -> metrics.readFailed(startedAt, e));
  }

  private void changes(Message<ChangesRead> msg) {
    answer(msg, () -> store.changes(msg.body()), changes -> changes,
        (changes, startedAt) -> { }, (e, startedAt) -> { });
  }

  private void positions(Message<PositionsRead> msg) {
    answer(msg, () -> store.positions(msg.body().channels(), config::namespaceOf), positions -> positions,
        (positions, startedAt) -> { }, (e, startedAt) -> { });
  }

  private void route(Message<RouteChanges> msg) {
    answer(msg, () -> store.route(msg.body(), config::namespaceOf), v -> Boolean.TRUE,
        (v, startedAt) -> { }, (e, startedAt) -> { });
  }

  private void lease(Message<RouteLease> msg) {
    answer(msg, () -> store.lease(msg.body()), live -> live, (live, startedAt) -> { }, (e, startedAt) -> { });
  }

  private void routes(Message<RoutesRead> msg) {
    answer(msg, () -> store.routes(msg.body().channel()), Routes::new, (r, startedAt) -> { }, (e, startedAt) -> { });
  }

  /**
   * A node left the cluster: its instances' routes are skipped from now rather than when their leases run
   * out. Every history instance hears it (a publish); ending a lease twice is harmless.
   */
  private void nodeLeft(Message<String> msg) {
    store.nodeLeft(msg.body()).onFailure(e -> LOG.warn("Could not end the route leases of node {} that left: {}",
        msg.body(), e.getMessage()));
  }

  /** The public query: JSON in, JSON out, validated field by field. */
  private void query(Message<JsonObject> msg) {
    answer(msg, () -> {
      HistoryRead read = parseQuery(msg.body());
      return store.read(read, config.namespaceOf(read.channel()));
    }, HistoryPage::toJson, (page, startedAt) -> metrics.read(startedAt),
        (e, startedAt) -> metrics.readFailed(startedAt, e));
  }

  /** What a handler counts of a call: its result, or its failure (at 0 when refused before the store was asked). */
  private interface Measured<T> {
    void accept(T value, long startedNanos);
  }

  /**
   * Asks the store and answers {@code msg}: the reply {@code toReply} makes of the result, or the failure's
   * protocol error; a call that throws (a malformed request) is answered like a failed one. One place for
   * every bus handler, so none can forget to answer or to count.
   */
  private <T> void answer(Message<?> msg, Supplier<Future<T>> call, Function<T, Object> toReply,
                          Measured<? super T> ok, Measured<Throwable> failed) {
    answer(msg, null, call, toReply, ok, failed);
  }

  /** The same for a command that may have been asked through an asker's answer address ({@link Asked}). */
  private <T> void answer(Message<?> msg, Asked asked, Supplier<Future<T>> call, Function<T, Object> toReply,
                          Measured<? super T> ok, Measured<Throwable> failed) {
    long startedAt = System.nanoTime();
    try {
      call.get()
          .onSuccess(result -> {
            ok.accept(result, startedAt);
            Replies.answer(bus, msg, asked, toReply.apply(result));
          })
          .onFailure(e -> {
            failed.accept(e, startedAt);
            Replies.refuse(bus, msg, asked, e);
          });
    } catch (RuntimeException e) {
      failed.accept(e, 0);
      Replies.refuse(bus, msg, asked, e);
    }
  }

  static HistoryRead parseQuery(Object body) {
    if (!(body instanceof JsonObject q)) {
      throw GatewayException.badRequest("A history query must be a JSON object.");
    }
    String channel = ChannelName.require(q.getValue(Fields.CHANNEL));
    Position since = null;
    Object s = q.getValue(Fields.SINCE);
    if (s != null) {
      if (!(s instanceof JsonObject so) || !(so.getValue(Fields.EPOCH) instanceof String epoch)
          || !(so.getValue(Fields.OFFSET) instanceof Number offset)) {
        throw GatewayException.badRequest("The field 'since' must be {\"epoch\": string, \"offset\": number}.");
      }
      since = new Position(epoch, offset.longValue());
    }
    Object l = q.getValue(Fields.LIMIT);
    int limit = 100;
    if (l != null) {
      if (!(l instanceof Number n) || n.longValue() < 0) {
        throw GatewayException.badRequest("The field 'limit' must be a number of 0 or more.");
      }
      limit = (int) Math.min(n.longValue(), MAX_QUERY_LIMIT);
    }
    return new HistoryRead(channel, since, limit);
  }

  /** A sweep round, one slice per event-loop task; a round still going when the next is due goes on. */
  private void sweep() {
    if (!sweeping) {
      sweeping = true;
      sweepSlice();
    }
  }

  private void sweepSlice() {
    if (store.sweep()) {
      vertx.runOnContext(v -> sweepSlice());
    } else {
      sweeping = false;
    }
  }
}
