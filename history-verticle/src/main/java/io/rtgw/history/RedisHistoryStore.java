package io.rtgw.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.ChannelPosition;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Positions;
import io.rtgw.protocol.RouteChanges;
import io.rtgw.protocol.RouteLease;
import io.rtgw.protocol.config.HistoryConfig;
import io.rtgw.protocol.config.NamespaceConfig;
import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.redis.LuaScript;
import io.rtgw.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

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

  private static final LuaScript APPEND = LuaScript.load(RedisHistoryStore.class, "append.lua");
  private static final LuaScript READ = LuaScript.load(RedisHistoryStore.class, "read.lua");
  private static final LuaScript CHANGES = LuaScript.load(RedisHistoryStore.class, "changes.lua");
  private static final LuaScript ROUTES = LuaScript.load(RedisHistoryStore.class, "routes.lua");
  private static final LuaScript LEASE = LuaScript.load(RedisHistoryStore.class, "lease.lua");
  private static final LuaScript NODE_LEFT = LuaScript.load(RedisHistoryStore.class, "node-left.lua");
  /**
   * The changes feed only has to outlive the gap between two position checks; an hour lets a gateway
   * that went quiet keep its cursors, and after that a node's next check is a full one.
   */
  static final long CHANGES_TTL_MS = EPOCH_GRACE_MS;

  private final RedisLink link;
  private final RedisKeys keys;
  private final long idempotencyWindowMs;
  private final LongSupplier clock;
  private final int changesRetained;

  public RedisHistoryStore(Vertx vertx, RedisConfig config, long idempotencyWindowMs, LongSupplier clock) {
    this(vertx, config, idempotencyWindowMs, clock, HistoryConfig.DEFAULT_CHANGES_RETAINED);
  }

  public RedisHistoryStore(Vertx vertx, RedisConfig config, long idempotencyWindowMs, LongSupplier clock,
                           int changesRetained) {
    this.link = new RedisLink(vertx, config, "history");
    this.keys = new RedisKeys(config.keyPrefix());
    this.idempotencyWindowMs = idempotencyWindowMs;
    this.clock = clock;
    this.changesRetained = changesRetained;
  }

  @Override
  public Future<AppendResult> append(AppendCommand cmd, NamespaceConfig ns) {
    MessageTemplate template = MessageTemplate.of(cmd);
    String channel = cmd.channel();
    List<String> scriptKeys = cmd.key() == null
        ? List.of(keys.meta(channel), keys.log(channel), keys.changes())
        : List.of(keys.meta(channel), keys.log(channel), keys.changes(), keys.idempotency(channel, cmd.key()));
    List<String> args = new ArrayList<>(List.of(Epochs.next(), template.head(), template.tail(), String.valueOf(cmd.ts()),
        String.valueOf(ns.historySize()), String.valueOf(ns.historyAgeMs()), String.valueOf(metaTtlMs(ns)),
        String.valueOf(idempotencyWindowMs), channel, String.valueOf(changesRetained),
        String.valueOf(CHANGES_TTL_MS)));
    if (ns.nodeRouted()) {
      // arguments, not keys: the lease keys it checks are named from the routes it finds
      args.add(keys.routes(channel));
      args.add(keys.leasePrefix());
    }
    return link.call(APPEND, scriptKeys, args).map(r -> {
      if (r.get(0).toInteger() == 1) {
        return new AppendResult(parse(r.get(1)), true);
      }
      List<String> routes = null;
      if (ns.nodeRouted()) {
        routes = new ArrayList<>(r.size() - 3);
        for (int i = 3; i < r.size(); i++) {
          routes.add(r.get(i).toString());
        }
      }
      return new AppendResult(new Message(cmd.channel(), r.get(2).toLong(), r.get(1).toString(), cmd.data(),
          cmd.from(), cmd.ts()), false, routes);
    });
  }

  @Override
  public Future<HistoryPage> read(HistoryRead read, NamespaceConfig ns) {
    String channel = read.channel();
    boolean hasSince = read.since() != null;
    List<String> args = List.of(Epochs.next(), String.valueOf(clock.getAsLong()), String.valueOf(ns.historyAgeMs()),
        String.valueOf(metaTtlMs(ns)), hasSince ? "1" : "0", hasSince ? read.since().epoch() : "",
        hasSince ? String.valueOf(read.since().offset()) : "0", String.valueOf(read.limit()));
    return link.call(READ, List.of(keys.meta(channel), keys.log(channel)), args).map(r -> {
      List<Message> messages = new ArrayList<>(r.size() - 3);
      for (int i = 3; i < r.size(); i++) {
        messages.add(parse(r.get(i)));
      }
      return new HistoryPage(channel, r.get(0).toString(), r.get(1).toLong(), r.get(2).toInteger() == 1, messages);
    });
  }

  @Override
  public Future<ChannelChanges> changes(ChangesRead read) {
    List<String> args = List.of(read.cursor() == null ? "" : read.cursor(),
        String.valueOf(Math.max(1, read.limit())), String.valueOf(CHANGES_TTL_MS));
    return link.call(CHANGES, List.of(keys.changes()), args).map(r -> {
      // one entry per channel, at its latest change: a busy channel is reported once
      Map<String, ChannelPosition> latest = new LinkedHashMap<>();
      for (int i = 3; i + 2 < r.size(); i += 3) {
        String channel = r.get(i).toString();
        latest.remove(channel);
        latest.put(channel, new ChannelPosition(channel, r.get(i + 1).toString(), r.get(i + 2).toLong()));
      }
      return new ChannelChanges(r.get(1).toString(), r.get(0).toInteger() == 1, r.get(2).toInteger() == 1,
          new ArrayList<>(latest.values()));
    });
  }

  /**
   * Pipelined on the link, one batch for all: a route set per channel and slot, so not one script. An
   * added route lives as long as the channel's epoch, renewed by appends and by the epoch refresh's
   * position reads, so the routes of a channel nobody holds any more leave Redis with its metadata.
   *
   * <p>A route's score is its batch's number, doubled, plus 1 while held; a remove leaves the even score
   * behind. {@code ZADD GT} changes a score only upward, so a batch carried out late (a frozen history
   * member thawing after the sender's retry went to another) cannot remove a newer route or bring back
   * one removed since, channel by channel, without a script spanning slots.
   */
  @Override
  public Future<Void> route(RouteChanges change, Function<String, NamespaceConfig> namespaces) {
    List<Future<Response>> calls = new ArrayList<>(2 * (change.add().size() + change.remove().size()));
    boolean ordered = change.seq() > 0;
    String removed = Long.toString(2 * change.seq());
    String held = Long.toString(2 * change.seq() + 1);
    for (String channel : change.remove()) {
      String routes = keys.routes(channel);
      if (ordered) {
        calls.add(link.call(Request.cmd(Command.ZADD).arg(routes).arg("GT").arg(removed).arg(change.instance())));
        calls.add(link.call(Request.cmd(Command.PEXPIRE).arg(routes).arg(metaTtlMs(namespaces.apply(channel)))));
      } else {
        calls.add(link.call(Request.cmd(Command.ZREM).arg(routes).arg(change.instance())));
      }
    }
    for (String channel : change.add()) {
      String routes = keys.routes(channel);
      Request add = Request.cmd(Command.ZADD).arg(routes);
      calls.add(link.call((ordered ? add.arg("GT") : add).arg(held).arg(change.instance())));
      calls.add(link.call(Request.cmd(Command.PEXPIRE).arg(routes).arg(metaTtlMs(namespaces.apply(channel)))));
    }
    return Future.all(calls).mapEmpty();
  }

  @Override
  public Future<Boolean> lease(RouteLease lease) {
    return link.call(LEASE, List.of(keys.lease(lease.instance()), keys.nodeLeases(lease.node())),
        List.of(lease.node(), String.valueOf(lease.ttlMs()), lease.instance())).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<List<String>> routes(String channel) {
    return link.call(ROUTES, List.of(keys.routes(channel)), List.of(keys.leasePrefix())).map(r -> {
      List<String> live = new ArrayList<>(r.size());
      for (int i = 0; i < r.size(); i++) {
        live.add(r.get(i).toString());
      }
      return live;
    });
  }

  @Override
  public Future<Void> nodeLeft(String node) {
    return link.call(NODE_LEFT, List.of(keys.nodeLeases(node)), List.of(keys.leasePrefix())).mapEmpty();
  }

  /**
   * Two plain commands per channel, pipelined on the link: the epoch and top, and the metadata's TTL,
   * which a read would also renew. Not a script over all channels, as their keys sit on many slots.
   */
  @Override
  public Future<Positions> positions(List<String> channels, Function<String, NamespaceConfig> namespaces) {
    List<Future<Response>> reads = new ArrayList<>(channels.size());
    for (String channel : channels) {
      String meta = keys.meta(channel);
      reads.add(link.call(Request.cmd(Command.HMGET).arg(meta).arg("epoch").arg("top")));
      NamespaceConfig ns = namespaces.apply(channel);
      link.call(Request.cmd(Command.PEXPIRE).arg(meta).arg(metaTtlMs(ns)));
      if (ns.nodeRouted()) {
        // the routes of a channel held for longer than its epoch's TTL must not expire under it
        link.call(Request.cmd(Command.PEXPIRE).arg(keys.routes(channel)).arg(metaTtlMs(ns)));
      }
    }
    return Future.all(reads).map(all -> {
      List<ChannelPosition> out = new ArrayList<>(channels.size());
      for (int i = 0; i < channels.size(); i++) {
        Response r = reads.get(i).result();
        if (r != null && r.get(0) != null && r.get(1) != null) {
          out.add(new ChannelPosition(channels.get(i), r.get(0).toString(), r.get(1).toLong()));
        }
      }
      return new Positions(out);
    });
  }

  /** One PING within the command timeout. */
  @Override
  public Future<Boolean> healthy() {
    return link.healthy();
  }

  @Override
  public Future<Void> close() {
    return link.close();
  }

  /**
   * How long an idle channel keeps its epoch: its age plus the grace. Short enough that a million
   * forgotten channels (a hash of two small fields each) leave Redis within hours, long enough that a
   * client back from a suspended laptop finds its epoch; a channel with subscribers never loses it, as
   * connection nodes read its position at least every {@code delivery.epochRefreshMs} (at most 30 min).
   */
  private static long metaTtlMs(NamespaceConfig ns) {
    return ns.historyAgeMs() + EPOCH_GRACE_MS;
  }

  private static Message parse(Response json) {
    try {
      return Json.MAPPER.readValue(json.toString(), Message.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a message in Redis is not valid JSON: " + json, e);
    }
  }
}
