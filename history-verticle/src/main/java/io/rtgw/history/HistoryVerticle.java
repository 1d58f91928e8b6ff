package io.rtgw.history;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.PositionsRead;
import io.rtgw.protocol.Replies;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.HistoryConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
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
  private long sweepTimer;

  @Override
  public Future<?> start() {
    config = GatewayConfig.fromJson(config());
    store = createStore();
    metrics = HistoryMetrics.create();
    EventBus bus = vertx.eventBus();
    sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> store.sweep());
    // a store that is down at start is no reason to fail the deployment: calls fail with 'unavailable'
    // until it is back, and it recovers by itself
    store.healthy().onSuccess(ok -> {
      if (!ok) {
        LOG.warn("The {} history store is not reachable at start; history calls fail until it is",
            config.history().store());
      }
    });
    return Future.join(
        bus.<AppendCommand>consumer(Addresses.HISTORY_APPEND, this::append).completion(),
        bus.<HistoryRead>consumer(Addresses.HISTORY_READ, this::read).completion(),
        bus.<ChangesRead>consumer(Addresses.HISTORY_CHANGES, this::changes).completion(),
        bus.<PositionsRead>consumer(Addresses.HISTORY_POSITIONS, this::positions).completion(),
        bus.<JsonObject>consumer(Addresses.HISTORY_QUERY, this::query).completion(),
        bus.<JsonObject>consumer(Addresses.HISTORY_HEALTH, msg -> store.healthy().onComplete(ar ->
            msg.reply(new JsonObject().put("store", config.history().store())
                .put("healthy", ar.succeeded() && ar.result())))).completion());
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
    long startedAt = System.nanoTime();
    try {
      store.append(cmd, config.namespaceOf(cmd.channel()))
          .onSuccess(result -> {
            metrics.appended(startedAt, result.duplicate());
            msg.reply(result);
          })
          .onFailure(e -> {
            metrics.appendFailed(startedAt, e);
            Replies.fail(msg, e);
          });
    } catch (RuntimeException e) {
      metrics.appendFailed(0, e);
      Replies.fail(msg, e);
    }
  }

  private void read(Message<HistoryRead> msg) {
    HistoryRead read = msg.body();
    long startedAt = System.nanoTime();
    try {
      store.read(read, config.namespaceOf(read.channel()))
          .onSuccess(page -> {
            metrics.read(startedAt);
            msg.reply(page);
          })
          .onFailure(e -> {
            metrics.readFailed(startedAt, e);
            Replies.fail(msg, e);
          });
    } catch (RuntimeException e) {
      metrics.readFailed(0, e);
      Replies.fail(msg, e);
    }
  }

  private void changes(Message<ChangesRead> msg) {
    try {
      store.changes(msg.body())
          .onSuccess(msg::reply)
          .onFailure(e -> Replies.fail(msg, e));
    } catch (RuntimeException e) {
      Replies.fail(msg, e);
    }
  }

  private void positions(Message<PositionsRead> msg) {
    try {
      store.positions(msg.body().channels(), config::namespaceOf)
          .onSuccess(msg::reply)
          .onFailure(e -> Replies.fail(msg, e));
    } catch (RuntimeException e) {
      Replies.fail(msg, e);
    }
  }

  /** The public query: JSON in, JSON out, validated field by field. */
  private void query(Message<JsonObject> msg) {
    try {
      HistoryRead read = parseQuery(msg.body());
      long startedAt = System.nanoTime();
      store.read(read, config.namespaceOf(read.channel()))
          .onSuccess(page -> {
            metrics.read(startedAt);
            msg.reply(page.toJson());
          })
          .onFailure(e -> {
            metrics.readFailed(startedAt, e);
            Replies.fail(msg, e);
          });
    } catch (RuntimeException e) {
      metrics.readFailed(0, e);
      Replies.fail(msg, e);
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
}
