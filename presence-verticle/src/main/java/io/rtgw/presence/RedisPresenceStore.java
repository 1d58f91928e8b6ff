package io.rtgw.presence;

import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.protocol.redis.LuaScript;
import io.rtgw.protocol.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence in Redis, shared by any number of presence instances and processes (layout in
 * {@link PresenceKeys}). Every change is one call of one Lua script, which Redis runs alone: an entry is
 * added or removed by exactly one call, and the join or leave it causes is returned to that caller only.
 * So when every instance sweeps the same expired entries, or every instance hears that the same node
 * left, each leave is published once. Users' client counts sit beside the entries, updated by the same
 * script, so a user joins with its first client and leaves with its last.
 *
 * <p>Redis 7.0 has no TTL per hash field: expiries are scores in one sorted set, and the sweep takes what
 * is due from it. The keys themselves get a TTL of {@link #KEY_TTL_TTLS} entry TTLs at every report, so
 * when no instance is left to sweep, nothing lingers.
 *
 * <p>Calls go over one held, pipelined connection ({@link RedisLink}) bounded by the command timeout; a
 * Redis that is down or hung fails them with {@code unavailable} at once or within the timeout.
 */
public final class RedisPresenceStore implements PresenceStore {

  /**
   * The keys live this many entry TTLs past the last report that added or refreshed an entry: longer than
   * any entry in them, with a whole TTL to spare for a sweep to see each expiry.
   */
  static final int KEY_TTL_TTLS = 2;
  /** Most entries one sweep or node removal takes per call: Redis runs a script alone, so keep each short. */
  static final int MAX_REMOVALS_PER_CALL = 1000;

  private static final Logger LOG = LoggerFactory.getLogger(RedisPresenceStore.class);
  private static final LuaScript SCRIPT = LuaScript.load(RedisPresenceStore.class, "presence.lua");

  private final RedisLink link;
  private final PresenceKeys keys;

  public RedisPresenceStore(Vertx vertx, RedisConfig config) {
    this.link = new RedisLink(vertx, config, "presence");
    this.keys = new PresenceKeys(config.keyPrefix());
  }

  /**
   * One call per report: a connection node sends at most a few thousand entries in one, and one call
   * means the report's events come back all together or not at all.
   */
  @Override
  public Future<List<PresenceEvent>> apply(PresenceReport report, long now, long ttlMs) {
    int size = report.leaves().size() + report.joins().size() + report.refresh().size();
    if (size == 0) {
      return Future.succeededFuture(List.of());
    }
    List<String> args = new ArrayList<>(6 + 3 * size);
    args.add(keys.base());
    args.add("apply");
    args.add(report.node());
    args.add(String.valueOf(now + ttlMs));
    args.add(String.valueOf(KEY_TTL_TTLS * ttlMs));
    args.add(String.valueOf(report.leaves().size()));
    addAll(args, report.leaves());
    addAll(args, report.joins());
    addAll(args, report.refresh());
    return link.call(SCRIPT, keys.declared(), args).map(r -> events(r, new ArrayList<>()));
  }

  @Override
  public Future<List<PresenceEvent>> expire(long now) {
    return drain("expire", String.valueOf(now), new ArrayList<>());
  }

  @Override
  public Future<List<PresenceEvent>> removeNode(String node) {
    return drain("node", node, new ArrayList<>());
  }

  @Override
  public Future<List<PresenceMember>> members(String channel) {
    return link.call(SCRIPT, keys.declared(), List.of(keys.base(), "members", channel)).map(r -> {
      List<PresenceMember> members = new ArrayList<>(r.size() / 2);
      for (int i = 0; i + 1 < r.size(); i += 2) {
        members.add(new PresenceMember(r.get(i).toString(), r.get(i + 1).toInteger()));
      }
      members.sort((a, b) -> a.user().compareTo(b.user()));
      return members;
    });
  }

  @Override
  public Future<Void> close() {
    return link.close();
  }

  /**
   * Removes in calls of at most {@link #MAX_REMOVALS_PER_CALL} entries until none is left. The events of
   * the calls that succeeded are returned even if a later call fails: they happened, and must be
   * published. What the failed call left is still in Redis and due, so the next sweep takes it.
   */
  private Future<List<PresenceEvent>> drain(String op, String arg, List<PresenceEvent> done) {
    List<String> args = List.of(keys.base(), op, arg, String.valueOf(MAX_REMOVALS_PER_CALL));
    return link.call(SCRIPT, keys.declared(), args).transform(ar -> {
      if (ar.failed()) {
        if (done.isEmpty()) {
          return Future.failedFuture(ar.cause());
        }
        LOG.warn("Presence {} {} stopped after {} leaves; the rest follow at the next sweep: {}", op, arg,
            done.size(), ar.cause().getMessage());
        return Future.succeededFuture(done);
      }
      boolean more = ar.result().get(0).toInteger() == 1;
      events(ar.result(), done);
      return more ? drain(op, arg, done) : Future.succeededFuture(done);
    });
  }

  private static void addAll(List<String> args, List<PresenceEntry> entries) {
    for (PresenceEntry e : entries) {
      args.add(e.channel());
      args.add(e.user());
      args.add(e.client());
    }
  }

  /** Reads the script's {more, type, channel, user, client, ...} reply into {@code into}. */
  private static List<PresenceEvent> events(Response reply, List<PresenceEvent> into) {
    for (int i = 1; i + 3 < reply.size(); i += 4) {
      into.add(new PresenceEvent(reply.get(i).toString(), reply.get(i + 1).toString(), reply.get(i + 2).toString(),
          reply.get(i + 3).toString()));
    }
    return into;
  }
}
