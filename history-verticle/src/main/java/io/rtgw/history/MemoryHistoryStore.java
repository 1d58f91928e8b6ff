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
import io.rtgw.protocol.config.HistoryConfig;
import io.rtgw.protocol.config.NamespaceConfig;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
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

  private final Map<String, ChannelLog> logs = new HashMap<>();
  private final LinkedHashMap<String, Remembered> keys = new LinkedHashMap<>();
  private final long idempotencyWindowMs;
  private final LongSupplier clock;
  private final Function<String, NamespaceConfig> namespaces;
  private final ChangeFeed changes;

  private record Remembered(Message message, long expiresAt) {
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
      return Future.succeededFuture(new AppendResult(appendNew(cmd, ns, now), false));
    }
    // one map step for the check and the store: the key's slot is found once, and filled only when new
    boolean[] fresh = new boolean[1];
    Remembered seen = keys.computeIfAbsent(cmd.channel() + '\u0000' + cmd.key(), k -> {
      fresh[0] = true;
      return new Remembered(appendNew(cmd, ns, now), now + idempotencyWindowMs);
    });
    return Future.succeededFuture(new AppendResult(seen.message, !fresh[0]));
  }

  private Message appendNew(AppendCommand cmd, NamespaceConfig ns, long now) {
    Message m = log(cmd.channel(), now).append(cmd.data(), cmd.from(), cmd.ts(), ns);
    changes.appended(cmd.channel());
    return m;
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

  @Override
  public void sweep() {
    long now = clock.getAsLong();
    forgetExpiredKeys(now);
    Iterator<Map.Entry<String, ChannelLog>> it = logs.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, ChannelLog> e = it.next();
      NamespaceConfig ns = namespaces.apply(e.getKey());
      e.getValue().trim(ns, now);
      if (e.getValue().idle(now, ns.historyAgeMs() + EPOCH_GRACE_MS)) {
        it.remove();
      }
    }
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
