package io.rtgw.redis;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.RedisConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to Redis, held and pipelined: calls go out without waiting for earlier replies, so a
 * burst of appends does not queue for connections as it would with a pool that leases one per call, and
 * Redis gets them sooner (the measurement is in bench/README.md).
 *
 * <p>When the connection breaks, the next call connects again; while attempts fail, calls fail at once
 * with {@link Down} and attempts are spaced by a backoff that doubles from {@link #FIRST_BACKOFF_MS} to
 * {@link #MAX_BACKOFF_MS}, so a Redis that is down costs neither a connect per call nor a hang. A
 * connection that answers nothing while a call waits out its timeout (Redis hung, a host gone without a
 * reset) is closed, so the next attempt replaces it.
 *
 * <p>Every {@link #call} is bounded by the command timeout, and a failure that means "Redis is not there
 * or cannot serve now" becomes {@code unavailable} with a sentence naming the store. The change between
 * reachable and not is logged once, not at every failed call.
 *
 * <p>Each Redis store (history, presence) holds one per verticle instance, confined to that instance's
 * event loop like the store itself.
 */
public final class RedisLink {

  public static final long FIRST_BACKOFF_MS = 50;
  public static final long MAX_BACKOFF_MS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);
  /**
   * Process-local: a link that connected again after failed attempts says so, with its endpoint, and the
   * others to that endpoint make their next attempt at once instead of after their backoff. Each
   * verticle instance holds its own link; without this, the instances of a tier recovered up to
   * {@link #MAX_BACKOFF_MS} apart, and every second call round-robined to a late one still failed.
   */
  static final String RECONNECTED = "rt.internal.redis.reconnected";

  /** Redis is not connected and the next attempt is not due yet. */
  static final class Down extends RuntimeException {
    Down(String sentence) {
      super(sentence, null, false, false);
    }
  }

  /** More calls are waiting for replies than the connection may hold. */
  static final class Overloaded extends RuntimeException {
    Overloaded(String sentence) {
      super(sentence, null, false, false);
    }
  }

  private final Vertx vertx;
  private final RedisOptions options;
  private final String store;
  private final long timeoutMs;
  private final RedisMetrics metrics;
  private Redis client;
  private RedisConnection connection;
  private Future<RedisConnection> connecting;
  private long connectedAt;
  private long lastReplyAt;
  private long nextAttemptAt;
  private long backoffMs = FIRST_BACKOFF_MS;
  private boolean closed;
  /** Only for logging the change between reachable and not once, instead of at every failed call. */
  private boolean reachable = true;
  private final String endpoint;
  private final io.vertx.core.eventbus.MessageConsumer<String> reconnected;

  /** A link for the named store ("history", "presence"), which names it in failures and logs. */
  public RedisLink(Vertx vertx, RedisConfig config, String store) {
    this.vertx = vertx;
    this.options = options(config);
    this.store = store;
    this.timeoutMs = config.commandTimeoutMs();
    this.metrics = RedisMetrics.of(store);
    this.endpoint = config.endpoint();
    this.reconnected = vertx.eventBus().<String>localConsumer(RECONNECTED, m -> {
      if (endpoint.equals(m.body()) && connection == null) {
        nextAttemptAt = 0;
        backoffMs = FIRST_BACKOFF_MS;
      }
    });
  }

  static RedisOptions options(RedisConfig config) {
    return new RedisOptions()
        .setConnectionString(config.endpoint())
        .setMaxWaitingHandlers(config.maxWaitingHandlers())
        // an unreachable host must fail a call within its timeout, not after the default 60 s
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.commandTimeoutMs()))
            .setTcpNoDelay(true)
            .setTcpKeepAlive(true));
  }

  /** Runs a script within the command timeout; failures come back as protocol errors. */
  public Future<Response> call(LuaScript script, List<String> keys, List<String> args) {
    long startedAt = System.nanoTime();
    return settled(startedAt, script.run(this, keys, args));
  }

  /** Sends one command within the command timeout; failures come back as protocol errors. */
  public Future<Response> call(Request request) {
    long startedAt = System.nanoTime();
    return settled(startedAt, send(request));
  }

  /** One PING within the command timeout. */
  public Future<Boolean> healthy() {
    return call(Request.cmd(Command.PING))
        .map(r -> "PONG".equals(r.toString()))
        .otherwise(false);
  }

  /**
   * Bounds {@code call} by the command timeout and settles it in one step: a timeout drops a connection
   * that answers nothing, reachability is noted, a failure becomes the protocol's, and the call is counted.
   * One callback instead of a chain of four: every append and read pays it.
   */
  private Future<Response> settled(long startedAt, Future<Response> call) {
    long sentAt = now();
    return call.timeout(timeoutMs, TimeUnit.MILLISECONDS).transform(ar -> {
      if (ar.succeeded()) {
        noteReachability(null);
        metrics.completed(startedAt, null);
        return Future.succeededFuture(ar.result());
      }
      if (ar.cause() instanceof TimeoutException) {
        timedOut(sentAt);
      }
      noteReachability(ar.cause());
      Throwable failure = RedisFailures.toProtocol(ar.cause(), timeoutMs, store);
      metrics.completed(startedAt, failure instanceof GatewayException g ? g.code() : ErrorCode.INTERNAL);
      return Future.failedFuture(failure);
    });
  }

  private void noteReachability(Throwable failure) {
    boolean now = failure == null || !RedisFailures.meansRedisDown(failure);
    if (now != reachable) {
      reachable = now;
      if (now) {
        LOG.info("Redis is reachable again; {} calls succeed", store);
      } else {
        LOG.warn("Redis cannot serve {} calls; they fail with 'unavailable' until it is back: {}", store, failure.toString());
      }
    }
  }

  /**
   * Sends over the held connection, connecting first if there is none. Every future that completes later
   * comes from the connection or the connect, which are bound to the caller's event loop: so do their
   * callbacks and a timeout set on them.
   */
  Future<Response> send(Request request) {
    return connection != null ? sendOn(connection, request) : connect().compose(c -> sendOn(c, request));
  }

  private Future<Response> sendOn(RedisConnection c, Request request) {
    if (c.pendingQueueFull()) {
      return Future.failedFuture(new Overloaded("too many Redis calls waiting for replies"));
    }
    return c.send(request).andThen(ar -> {
      if (ar.succeeded() || RedisFailures.isRedisError(ar.cause())) {
        lastReplyAt = now();
      }
    });
  }

  /**
   * A call sent at {@code sentAt} timed out. If the connection has not answered anything since, it is of
   * no use (Redis hung, or the host is gone without a reset that would tell): drop it.
   */
  private void timedOut(long sentAt) {
    if (connection != null && connectedAt <= sentAt && lastReplyAt < sentAt) {
      LOG.warn("Redis answered nothing within a call's timeout; closing the connection to open a new one");
      drop(connection);
    }
  }

  private long now() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  public Future<Void> close() {
    closed = true;
    connection = null;
    reconnected.unregister();
    return client == null ? Future.succeededFuture() : client.close();
  }

  private Future<RedisConnection> connect() {
    if (closed) {
      return Future.failedFuture(new Down("the " + store + " store is closed"));
    }
    if (connecting != null) {
      return connecting;
    }
    long now = now();
    if (now < nextAttemptAt) {
      return Future.failedFuture(new Down("Redis is down; next connection attempt in " + (nextAttemptAt - now) + " ms"));
    }
    Redis fresh = Redis.createClient(vertx, options);
    Future<RedisConnection> attempt = fresh.connect().transform(ar -> {
      connecting = null;
      if (ar.succeeded() && !closed) {
        RedisConnection c = ar.result();
        client = fresh;
        connection = c;
        connectedAt = lastReplyAt = now();
        boolean afterFailures = nextAttemptAt != 0;
        backoffMs = FIRST_BACKOFF_MS;
        nextAttemptAt = 0;
        if (afterFailures) {
          vertx.eventBus().publish(RECONNECTED, endpoint, new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));
        }
        c.exceptionHandler(e -> drop(c));
        c.endHandler(v -> drop(c));
        return Future.succeededFuture(c);
      }
      fresh.close();
      if (ar.succeeded()) {
        return Future.failedFuture(new Down("the " + store + " store is closed"));
      }
      nextAttemptAt = now() + backoffMs;
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      return Future.failedFuture(ar.cause());
    });
    // calls made while it is under way share it; one that failed at once is not kept
    if (!attempt.isComplete()) {
      connecting = attempt;
    }
    return attempt;
  }

  private void drop(RedisConnection c) {
    if (connection != c) {
      return;
    }
    connection = null;
    // closing the client closes the socket; calls still waiting on it fail and the next call reconnects
    Redis old = client;
    client = null;
    old.close();
  }
}
