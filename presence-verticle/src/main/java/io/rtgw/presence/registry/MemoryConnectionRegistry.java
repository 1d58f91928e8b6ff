package io.rtgw.presence.registry;

import io.rtgw.protocol.ConnectionEntry;
import io.rtgw.protocol.ConnectionReport;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The registry in this process's memory, owned by one presence instance's event loop: each call is one
 * step nobody else interleaves with. Indexed by user, by node and by holder, so a node's removal costs
 * what it held.
 */
public final class MemoryConnectionRegistry implements ConnectionRegistry {

  private final Map<String, ConnectionEntry> clients = new HashMap<>();
  private final Map<String, Set<String>> byUser = new HashMap<>();
  private final Map<String, Set<String>> byNode = new HashMap<>();
  /** channel -> the holders with local subscribers of it. */
  private final Map<String, Set<String>> channels = new HashMap<>();
  /** holder -> the channels it holds. */
  private final Map<String, Set<String>> holderChannels = new HashMap<>();
  private final Map<String, Set<String>> nodeHolders = new HashMap<>();
  /** channel -> when it is vacated, for the channels with no holder left and the grace not yet over. */
  private final Map<String, Long> vacating = new HashMap<>();
  /** The same marks by deadline, so a check costs what is due. */
  private final TreeMap<Long, Set<String>> deadlines = new TreeMap<>();
  private final long graceMs;

  public MemoryConnectionRegistry(long graceMs) {
    this.graceMs = graceMs;
  }

  @Override
  public Future<List<RegistryEvent>> apply(ConnectionReport report, long now) {
    List<RegistryEvent> events = new ArrayList<>();
    for (String client : report.closed()) {
      remove(client);
    }
    for (ConnectionEntry e : report.opened()) {
      remove(e.client());
      clients.put(e.client(), e);
      if (e.user() != null) {
        byUser.computeIfAbsent(e.user(), k -> new LinkedHashSet<>()).add(e.client());
      }
      byNode.computeIfAbsent(e.node(), k -> new HashSet<>()).add(e.client());
      nodeHolders.computeIfAbsent(e.node(), k -> new HashSet<>()).add(e.holder());
    }
    for (String channel : report.vacated()) {
      if (release(report.holder(), channel)) {
        leave(channel, now, events);
      }
    }
    for (String channel : report.occupied()) {
      Set<String> holders = channels.computeIfAbsent(channel, k -> new HashSet<>());
      if (holders.add(report.holder())) {
        holderChannels.computeIfAbsent(report.holder(), k -> new HashSet<>()).add(channel);
        nodeHolders.computeIfAbsent(report.node(), k -> new HashSet<>()).add(report.holder());
        if (holders.size() == 1 && !unmark(channel)) {
          events.add(RegistryEvent.occupied(channel));
        }
      }
    }
    return Future.succeededFuture(events);
  }

  @Override
  public Future<List<RegistryEvent>> removeNode(String node, long now) {
    List<RegistryEvent> events = new ArrayList<>();
    Set<String> gone = byNode.remove(node);
    if (gone != null) {
      for (String client : new ArrayList<>(gone)) {
        ConnectionEntry e = clients.get(client);
        remove(client);
        if (e != null) {
          events.add(RegistryEvent.disconnected(e));
        }
      }
    }
    Set<String> holders = nodeHolders.remove(node);
    if (holders != null) {
      for (String holder : holders) {
        Set<String> held = holderChannels.get(holder);
        for (String channel : held == null ? List.<String>of() : new ArrayList<>(held)) {
          if (release(holder, channel)) {
            leave(channel, now, events);
          }
        }
      }
    }
    return Future.succeededFuture(events);
  }

  @Override
  public Future<List<RegistryEvent>> vacate(long now) {
    List<RegistryEvent> events = new ArrayList<>();
    while (!deadlines.isEmpty() && deadlines.firstKey() <= now && events.size() < VACATE_BATCH) {
      Set<String> due = deadlines.firstEntry().getValue();
      String channel = due.iterator().next();
      unmark(channel);
      if (!channels.containsKey(channel)) {
        events.add(RegistryEvent.vacated(channel));
      }
    }
    return Future.succeededFuture(events);
  }

  @Override
  public Future<List<ConnectionEntry>> connections(String user) {
    List<ConnectionEntry> out = new ArrayList<>();
    for (String client : byUser.getOrDefault(user, Set.of())) {
      out.add(clients.get(client));
    }
    out.sort(Comparator.comparingLong(ConnectionEntry::since));
    return Future.succeededFuture(out);
  }

  @Override
  public Future<ConnectionEntry> connection(String client) {
    return Future.succeededFuture(clients.get(client));
  }

  @Override
  public Future<Set<String>> holders(String channel) {
    return Future.succeededFuture(Set.copyOf(channels.getOrDefault(channel, Set.of())));
  }

  @Override
  public Future<Set<String>> holders() {
    Set<String> out = new HashSet<>();
    nodeHolders.values().forEach(out::addAll);
    return Future.succeededFuture(out);
  }

  /** {@code channel} has no holder left: vacated at once with no grace, otherwise marked. */
  private void leave(String channel, long now, List<RegistryEvent> events) {
    if (graceMs == 0) {
      events.add(RegistryEvent.vacated(channel));
      return;
    }
    unmark(channel);
    long deadline = now + graceMs;
    vacating.put(channel, deadline);
    deadlines.computeIfAbsent(deadline, k -> new LinkedHashSet<>()).add(channel);
  }

  /** Removes {@code channel}'s vacating mark; true when it had one. */
  private boolean unmark(String channel) {
    Long deadline = vacating.remove(channel);
    if (deadline == null) {
      return false;
    }
    Set<String> due = deadlines.get(deadline);
    due.remove(channel);
    if (due.isEmpty()) {
      deadlines.remove(deadline);
    }
    return true;
  }

  /** Takes {@code holder} out of {@code channel}; true when that left the channel with nobody. */
  private boolean release(String holder, String channel) {
    Set<String> holders = channels.get(channel);
    if (holders == null || !holders.remove(holder)) {
      return false;
    }
    Set<String> held = holderChannels.get(holder);
    if (held != null) {
      held.remove(channel);
      if (held.isEmpty()) {
        holderChannels.remove(holder);
      }
    }
    if (holders.isEmpty()) {
      channels.remove(channel);
      return true;
    }
    return false;
  }

  private void remove(String client) {
    ConnectionEntry e = clients.remove(client);
    if (e == null) {
      return;
    }
    if (e.user() != null) {
      Set<String> mine = byUser.get(e.user());
      if (mine != null && mine.remove(client) && mine.isEmpty()) {
        byUser.remove(e.user());
      }
    }
    Set<String> onNode = byNode.get(e.node());
    if (onNode != null && onNode.remove(client) && onNode.isEmpty()) {
      byNode.remove(e.node());
    }
  }
}
