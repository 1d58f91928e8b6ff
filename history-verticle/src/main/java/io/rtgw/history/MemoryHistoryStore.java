package io.rtgw.history;

import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.ChannelPosition;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Positions;
import io.rtgw.protocol.RouteChanges;
import io.rtgw.protocol.RouteLease;
import io.rtgw.protocol.config.HistoryConfig;
import io.rtgw.protocol.config.NamespaceConfig;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * History in this process's memory. Owned by one history-verticle instance (its event loop), so it needs
 * no locks; more instances or processes need the Redis store, since each memory store would sequence
 * on its own.
 */
public final class MemoryHistoryStore implements HistoryStore {

  /** Channels one sweep task trims at most. */
  static final int SWEEP_SLICE = 1_000;

  private final Map<String, ChannelLog> logs = new HashMap<>();
  /** The channels of the sweep round in progress, and the next one to look at. */
  private List<String> sweeping = List.of();
  private int sweepAt;
  private final LinkedHashMap<String, Remembered> keys = new LinkedHashMap<>();
  private final long idempotencyWindowMs;
  private final LongSupplier clock;
  private final Function<String, NamespaceConfig> namespaces;
  private final ChangeFeed changes;
  /**
   * Node-routed channels' routes: the instances holding subscribers, as small immutable lists (nearly
   * always one instance: a user's personal channel on the node it is connected to), replaced on change.
   * A set per channel cost about 150 bytes more for each of the node's users.
   */
  private final Map<String, List<String>> routes = new HashMap<>();
  /** Each instance's newest route batch applied: an older one arriving late is ignored. */
  private final Map<String, Long> routeSeqs = new HashMap<>();
  private final Map<String, Lease> leases = new HashMap<>();
  /** Set when a lease ended: the next sweep removes the routes it leaves behind on quiet channels. */
  private boolean leaseEnded;

  private record Remembered(Message message, long expiresAt) {
  }

  private record Lease(String node, long expiresAt) {
  }

  public MemoryHistoryStore(long idempotencyWindowMs, LongSupplier clock, Function<String, NamespaceConfig> namespaces) {
    this(idempotencyWindowMs, clock, namespaces, HistoryConfig.DEFAULT_CHANGES_RETAINED);
  }

  public MemoryHistoryStore(long idempotencyWindowMs, LongSupplier clock, Function<String, NamespaceConfig> namespaces,
                            int changesRetained) {
    this.idempotencyWindowMs = idempotencyWindowMs;
    this.clock = clock;
    this.namespaces = namespaces;
    this.changes = new ChangeFeed(changesRetained);
  }

  @Override
  public Future<AppendResult> append(AppendCommand cmd, NamespaceConfig ns) {
    long now = clock.getAsLong();
    forgetExpiredKeys(now);
    if (cmd.key() == null) {
      return Future.succeededFuture(appended(appendNew(cmd, ns, now), ns, now));
    }
    // one map step for the check and the store: the key's slot is found once, and filled only when new
    boolean[] fresh = new boolean[1];
    Remembered seen = keys.computeIfAbsent(cmd.channel() + '\u0000' + cmd.key(), k -> {
      fresh[0] = true;
      return new Remembered(appendNew(cmd, ns, now), now + idempotencyWindowMs);
    });
    return Future.succeededFuture(fresh[0] ? appended(seen.message, ns, now) : new AppendResult(seen.message, true));
  }

  /** A new message's result, with the routes it is to be sent to when its channel is node-routed. */
  private AppendResult appended(Message m, NamespaceConfig ns, long now) {
    return new AppendResult(m, false, ns.nodeRouted() ? liveRoutes(m.channel(), now) : null);
  }

  private Message appendNew(AppendCommand cmd, NamespaceConfig ns, long now) {
    ChannelLog log = log(cmd.channel(), now);
    Message m = log.append(cmd.data(), cmd.from(), cmd.ts(), ns);
    changes.appended(log.feedEntry());
    return m;
  }

  @Override
  public Future<Void> route(RouteChanges change, Function<String, NamespaceConfig> ns) {
    // a batch is applied whole here, so one number per instance tells a late one from a newer
    if (change.seq() > 0) {
      Long newest = routeSeqs.get(change.instance());
      if (newest != null && newest >= change.seq()) {
        return Future.succeededFuture();
      }
      routeSeqs.put(change.instance(), change.seq());
    }
    String instance = change.instance();
    for (String channel : change.remove()) {
      List<String> held = routes.get(channel);
      if (held != null && held.contains(instance)) {
        List<String> rest = without(held, instance::equals);
        if (rest.isEmpty()) {
          routes.remove(channel);
        } else {
          routes.put(channel, rest);
        }
      }
    }
    for (String channel : change.add()) {
      List<String> held = routes.get(channel);
      if (held == null) {
        routes.put(channel, List.of(instance));
      } else if (!held.contains(instance)) {
        List<String> more = new ArrayList<>(held.size() + 1);
        more.addAll(held);
        more.add(instance);
        routes.put(channel, List.copyOf(more));
      }
    }
    return Future.succeededFuture();
  }

  /** {@code held} without the instances {@code gone} picks, as an immutable list ({@code held} itself if none). */
  private static List<String> without(List<String> held, java.util.function.Predicate<String> gone) {
    List<String> rest = null;
    for (int i = 0; i < held.size(); i++) {
      String instance = held.get(i);
      if (gone.test(instance)) {
        if (rest == null) {
          rest = new ArrayList<>(held.subList(0, i));
        }
      } else if (rest != null) {
        rest.add(instance);
      }
    }
    return rest == null ? held : List.copyOf(rest);
  }

  @Override
  public Future<Boolean> lease(RouteLease lease) {
    long now = clock.getAsLong();
    Lease before = leases.put(lease.instance(), new Lease(lease.node(), now + lease.ttlMs()));
    return Future.succeededFuture(before != null && before.expiresAt > now);
  }

  @Override
  public Future<List<String>> routes(String channel) {
    return Future.succeededFuture(liveRoutes(channel, clock.getAsLong()));
  }

  @Override
  public Future<Void> nodeLeft(String node) {
    leaseEnded |= leases.values().removeIf(l -> l.node.equals(node));
    return Future.succeededFuture();
  }

  /** The channel's routes with a live lease; routes of instances without one are removed on the way. */
  private List<String> liveRoutes(String channel, long now) {
    List<String> held = routes.get(channel);
    if (held == null) {
      return List.of();
    }
    List<String> live = without(held, instance -> {
      Lease lease = leases.get(instance);
      return lease == null || lease.expiresAt <= now;
    });
    if (live.isEmpty()) {
      routes.remove(channel);
    } else if (live != held) {
      routes.put(channel, live);
    }
    return live;
  }

  @Override
  public Future<HistoryPage> read(HistoryRead read, NamespaceConfig ns) {
    long now = clock.getAsLong();
    return Future.succeededFuture(log(read.channel(), now).read(read.since(), read.limit(), ns, now));
  }

  @Override
  public Future<ChannelChanges> changes(ChangesRead read) {
    return Future.succeededFuture(changes.after(read, channel -> {
      ChannelLog log = logs.get(channel);
      return log == null ? null : log.peek();
    }));
  }

  @Override
  public Future<Positions> positions(List<String> channels, Function<String, NamespaceConfig> ns) {
    long now = clock.getAsLong();
    List<ChannelPosition> out = new ArrayList<>(channels.size());
    for (String channel : channels) {
      ChannelLog log = logs.get(channel);
      if (log != null) {
        out.add(log.position(now));
      }
    }
    return Future.succeededFuture(new Positions(out));
  }

  /**
   * One slice of a sweep round: at most {@link #SWEEP_SLICE} channels trimmed (and dropped when idle). A
   * round starts from a copy of the channel names and takes the expired idempotency keys first; at 19,000
   * channels the whole walk in one task stalled the event loop (seen by the stall probe's JFR samples).
   */
  @Override
  public boolean sweep() {
    long now = clock.getAsLong();
    if (sweepAt >= sweeping.size()) {
      forgetExpiredKeys(now);
      sweepRoutes(now);
      sweeping = new ArrayList<>(logs.keySet());
      sweepAt = 0;
    }
    for (int end = Math.min(sweeping.size(), sweepAt + SWEEP_SLICE); sweepAt < end; sweepAt++) {
      String channel = sweeping.get(sweepAt);
      ChannelLog log = logs.get(channel);
      if (log == null) {
        continue;
      }
      NamespaceConfig ns = namespaces.apply(channel);
      log.trim(ns, now);
      if (log.idle(now, ns.historyAgeMs() + EPOCH_GRACE_MS)) {
        logs.remove(channel);
      }
    }
    if (sweepAt < sweeping.size()) {
      return true;
    }
    sweeping = List.of();
    sweepAt = 0;
    return false;
  }

  /**
   * Routes of an ended lease on channels nobody appends to would stay forever: when a lease ended since
   * the last sweep, every route is looked at once. Nothing is walked while all leases live.
   */
  private void sweepRoutes(long now) {
    leaseEnded |= leases.values().removeIf(l -> l.expiresAt <= now);
    if (!leaseEnded) {
      return;
    }
    leaseEnded = false;
    routeSeqs.keySet().retainAll(leases.keySet());
    routes.replaceAll((channel, held) -> without(held, instance -> !leases.containsKey(instance)));
    routes.values().removeIf(List::isEmpty);
  }

  int routeCount() {
    return routes.values().stream().mapToInt(List::size).sum();
  }

  int channelCount() {
    return logs.size();
  }

  private ChannelLog log(String channel, long now) {
    return logs.computeIfAbsent(channel, c -> new ChannelLog(c, Epochs.next(), now));
  }

  /** Keys expire in insertion order (one window for all), so expired ones sit at the head. */
  private void forgetExpiredKeys(long now) {
    Iterator<Remembered> it = keys.values().iterator();
    while (it.hasNext() && it.next().expiresAt <= now) {
      it.remove();
    }
  }
}
