package io.rtgw.presence;

import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.redis.LuaScript;
import io.rtgw.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence in Redis, shared by any number of presence instances and processes (layout in
 * {@link PresenceKeys}). Every change is made inside a call of one Lua script, which Redis runs alone: an
 * entry is added or removed by exactly one call, and the join or leave it causes is returned to that caller only.
 * So when every instance sweeps the same expired lease, or every instance hears that the same node
 * left, each leave is published once. Users' client counts sit beside the entries, updated by the same
 * script, so a user joins with its first client and leaves with its last.
 *
 * <p>Entries live as long as their holder's lease: a heartbeat is one {@code renew} call per connection
 * instance, and the sweep asks for the leases that ran out (one {@code ZRANGEBYSCORE ... LIMIT 0 1} while
 * none is due), so an idle registry of any size costs a few commands per second. The keys carry no TTL
 * (a users hash would need one renewal per channel, the per-entry cost this layout removes): a registry
 * that nobody swept for a while is swept by the first instance that starts, every lease having run out,
 * with the leaves.
 *
 * <p>Calls go over one held, pipelined connection ({@link RedisLink}) bounded by the command timeout; a
 * Redis that is down or hung fails them with {@code unavailable} at once or within the timeout.
 */
public final class RedisPresenceStore implements PresenceStore {

  /**
   * Most entries one script call adds, refreshes or removes. Redis serves nothing else while a script
   * runs: 500 entries keep a call to a few milliseconds, so history appends behind it barely wait.
   */
  static final int MAX_ENTRIES_PER_CALL = 500;

  private static final Logger LOG = LoggerFactory.getLogger(RedisPresenceStore.class);
  private static final LuaScript SCRIPT = LuaScript.load(RedisPresenceStore.class, "presence.lua");

  private final RedisLink link;
  private final PresenceKeys keys;

  public RedisPresenceStore(Vertx vertx, RedisConfig config) {
    this.link = new RedisLink(vertx, config, "presence");
    this.keys = new PresenceKeys(config.keyPrefix());
  }

  /**
   * A report in calls of at most {@link #MAX_ENTRIES_PER_CALL} entries, sent at once: one connection runs
   * them in order, leaves first. The events of the calls that succeeded are returned even if another
   * failed, since those changes happened; what a failed call missed, the node's next heartbeat restores.
   */
  @Override
  public Future<List<PresenceEvent>> apply(PresenceReport report, long now, long ttlMs) {
    List<PresenceEntry> entries = new ArrayList<>(report.leaves());
    entries.addAll(report.joins());
    entries.addAll(report.refresh());
    int leaves = report.leaves().size();
    List<Future<Response>> calls = new ArrayList<>();
    for (int from = 0; from < entries.size(); from += MAX_ENTRIES_PER_CALL) {
      int to = Math.min(from + MAX_ENTRIES_PER_CALL, entries.size());
      List<String> args = new ArrayList<>(6 + 3 * (to - from));
      args.add(keys.base());
      args.add("apply");
      args.add(report.node());
      args.add(String.valueOf(now + ttlMs));
      args.add(String.valueOf(now));
      args.add(String.valueOf(Math.max(0, Math.min(leaves, to) - from)));
      for (PresenceEntry e : entries.subList(from, to)) {
        args.add(e.channel());
        args.add(e.user());
        args.add(e.client());
      }
      calls.add(link.call(SCRIPT, keys.declared(), args));
    }
    return Future.join(calls).transform(ar -> {
      List<PresenceEvent> events = new ArrayList<>();
      Throwable failure = null;
      for (Future<Response> call : calls) {
        if (call.succeeded()) {
          events(call.result(), events);
        } else if (failure == null) {
          failure = call.cause();
        }
      }
      return partly(events, failure, "report from " + report.node());
    });
  }

  @Override
  public Future<Boolean> renew(String holder, long now, long ttlMs) {
    List<String> args = List.of(keys.base(), "renew", holder, String.valueOf(now + ttlMs), String.valueOf(now));
    return link.call(SCRIPT, keys.declared(), args).map(r -> r.get(0).toInteger() == 1);
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
  public Future<Long> entries() {
    return link.call(Request.cmd(Command.HLEN).arg(keys.declared().get(0))).map(Response::toLong);
  }

  @Override
  public Future<Boolean> healthy() {
    return link.healthy();
  }

  @Override
  public Future<Void> close() {
    return link.close();
  }

  /**
   * Removes in calls of at most {@link #MAX_ENTRIES_PER_CALL} entries (and one holder) until a call finds
   * nothing left to remove. The events of
   * the calls that succeeded are returned even if a later call fails: those changes happened, and their
   * events must be published. What the failed call left is still in Redis, and still due: the next sweep
   * takes it (for a departed node, its lease's expiry does).
   */
  private Future<List<PresenceEvent>> drain(String op, String arg, List<PresenceEvent> done) {
    List<String> args = List.of(keys.base(), op, arg, String.valueOf(MAX_ENTRIES_PER_CALL));
    return link.call(SCRIPT, keys.declared(), args).transform(ar -> {
      if (ar.failed()) {
        return partly(done, ar.cause(), op + " " + arg);
      }
      boolean more = ar.result().get(0).toInteger() == 1;
      events(ar.result(), done);
      return more ? drain(op, arg, done) : Future.succeededFuture(done);
    });
  }

  /** The events of the calls that went through; a failure only if none did. */
  private static Future<List<PresenceEvent>> partly(List<PresenceEvent> events, Throwable failure, String what) {
    if (failure == null) {
      return Future.succeededFuture(events);
    }
    if (events.isEmpty()) {
      return Future.failedFuture(failure);
    }
    LOG.warn("Presence {} partly applied ({} events); the rest failed: {}", what, events.size(), failure.getMessage());
    return Future.succeededFuture(events);
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
