package io.rtgw.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.config.NamespaceConfig;
import io.rtgw.protocol.config.RedisConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * History in Redis, shared by any number of history instances and processes. Each append and each read
 * is one Lua script on the channel's keys (see {@link RedisKeys}), so Redis alone orders a channel's
 * appends. Every key has a TTL: the log its namespace's age, the metadata (epoch, latest offset) that age
 * plus {@link #EPOCH_GRACE_MS}, an idempotency key the window. When the metadata is gone, whether it
 * expired, was evicted or Redis restarted empty, the next append or read starts a new epoch, so a client
 * holding an old position is told {@code recovered = false} instead of being handed reused offsets.
 *
 * <p>Calls go over one held, pipelined connection ({@link RedisLink}) that reconnects by itself, with
 * backoff, when Redis comes back. Every call is bounded by the command timeout and a failure that means
 * "Redis is not there" becomes {@code unavailable}. A call that timed out may still have run in Redis:
 * a client retrying with its idempotency key is not published twice.
 */
public final class RedisHistoryStore implements HistoryStore {

  private static final Logger LOG = LoggerFactory.getLogger(RedisHistoryStore.class);
  private static final LuaScript APPEND = LuaScript.load("append.lua");
  private static final LuaScript READ = LuaScript.load("read.lua");

  private final RedisLink link;
  private final RedisKeys keys;
  private final long idempotencyWindowMs;
  private final long timeoutMs;
  private final LongSupplier clock;
  /** Only for logging the change between reachable and not once, instead of at every failed call. */
  private boolean reachable = true;

  public RedisHistoryStore(Vertx vertx, RedisConfig config, long idempotencyWindowMs, LongSupplier clock) {
    this.link = new RedisLink(vertx, options(config));
    this.keys = new RedisKeys(config.keyPrefix());
    this.idempotencyWindowMs = idempotencyWindowMs;
    this.timeoutMs = config.commandTimeoutMs();
    this.clock = clock;
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

  @Override
  public Future<AppendResult> append(AppendCommand cmd, NamespaceConfig ns) {
    MessageTemplate template = MessageTemplate.of(cmd);
    List<String> scriptKeys = cmd.key() == null
        ? List.of(keys.meta(cmd.channel()), keys.log(cmd.channel()))
        : List.of(keys.meta(cmd.channel()), keys.log(cmd.channel()), keys.idempotency(cmd.channel(), cmd.key()));
    List<String> args = List.of(Epochs.next(), template.head(), template.tail(), String.valueOf(cmd.ts()),
        String.valueOf(ns.historySize()), String.valueOf(ns.historyAgeMs()), String.valueOf(metaTtlMs(ns)),
        String.valueOf(idempotencyWindowMs));
    return call(APPEND, scriptKeys, args).map(r -> {
      if (r.get(0).toInteger() == 1) {
        return new AppendResult(parse(r.get(1)), true);
      }
      return new AppendResult(new Message(cmd.channel(), r.get(2).toLong(), r.get(1).toString(), cmd.data(),
          cmd.from(), cmd.ts()), false);
    });
  }

  @Override
  public Future<HistoryPage> read(HistoryRead read, NamespaceConfig ns) {
    String channel = read.channel();
    boolean hasSince = read.since() != null;
    List<String> args = List.of(Epochs.next(), String.valueOf(clock.getAsLong()), String.valueOf(ns.historyAgeMs()),
        String.valueOf(metaTtlMs(ns)), hasSince ? "1" : "0", hasSince ? read.since().epoch() : "",
        hasSince ? String.valueOf(read.since().offset()) : "0", String.valueOf(read.limit()));
    return call(READ, List.of(keys.meta(channel), keys.log(channel)), args).map(r -> {
      List<Message> messages = new ArrayList<>(r.size() - 3);
      for (int i = 3; i < r.size(); i++) {
        messages.add(parse(r.get(i)));
      }
      return new HistoryPage(channel, r.get(0).toString(), r.get(1).toLong(), r.get(2).toInteger() == 1, messages);
    });
  }

  /** One PING within the command timeout. */
  @Override
  public Future<Boolean> healthy() {
    return bounded(link.send(Request.cmd(Command.PING)))
        .map(r -> "PONG".equals(r.toString()))
        .otherwise(false);
  }

  @Override
  public Future<Void> close() {
    return link.close();
  }

  /**
   * How long an idle channel keeps its epoch: its age plus the grace. Short enough that a million
   * forgotten channels (a hash of two small fields each) leave Redis within hours, long enough that a
   * client back from a suspended laptop finds its epoch; a channel with subscribers never loses it, as
   * connection nodes read it every few seconds.
   */
  private static long metaTtlMs(NamespaceConfig ns) {
    return ns.historyAgeMs() + EPOCH_GRACE_MS;
  }

  private Future<Response> call(LuaScript script, List<String> scriptKeys, List<String> args) {
    return bounded(script.run(link, scriptKeys, args))
        .andThen(ar -> noteReachability(ar.succeeded() ? null : ar.cause()))
        .recover(e -> Future.failedFuture(RedisFailures.toProtocol(e, timeoutMs)));
  }

  private <T> Future<T> bounded(Future<T> call) {
    long sentAt = link.now();
    return call.timeout(timeoutMs, TimeUnit.MILLISECONDS).andThen(ar -> {
      if (ar.failed() && ar.cause() instanceof TimeoutException) {
        link.timedOut(sentAt);
      }
    });
  }

  private void noteReachability(Throwable failure) {
    boolean now = failure == null || !RedisFailures.meansRedisDown(failure);
    if (now != reachable) {
      reachable = now;
      if (now) {
        LOG.info("Redis is reachable again; history calls succeed");
      } else {
        LOG.warn("Redis cannot serve history calls; they fail with 'unavailable' until it is back: {}", failure.toString());
      }
    }
  }

  private static Message parse(Response json) {
    try {
      return Json.MAPPER.readValue(json.toString(), Message.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a message in Redis is not valid JSON: " + json, e);
    }
  }
}
