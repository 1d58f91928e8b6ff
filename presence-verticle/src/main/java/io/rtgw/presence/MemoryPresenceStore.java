package io.rtgw.presence;

import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Presence in this process's memory, owned by one presence-verticle instance (its event loop): no locks.
 * Several instances or processes need the Redis store.
 *
 * <p>Entries are also indexed by expiry and by node, so a sweep costs the entries that expire and a
 * node's removal the entries it held, not a scan of all of them every second.
 */
public final class MemoryPresenceStore implements PresenceStore {

  private record Client(String node, long expiresAt) {
  }

  /** channel -> user -> client -> entry. */
  private final Map<String, Map<String, Map<String, Client>>> channels = new HashMap<>();
  /** expiry -> the entries that expire then; a heartbeat's batch shares one expiry. */
  private final TreeMap<Long, Set<PresenceEntry>> byExpiry = new TreeMap<>();
  private final Map<String, Set<PresenceEntry>> byNode = new HashMap<>();
  /** Kept beside the maps, so counting the clients is not a walk over every channel. */
  private long entries;

  @Override
  public Future<List<PresenceEvent>> apply(PresenceReport report, long now, long ttlMs) {
    List<PresenceEvent> events = new ArrayList<>();
    for (PresenceEntry e : report.leaves()) {
      remove(e, events);
    }
    for (PresenceEntry e : report.joins()) {
      put(e, report.node(), now + ttlMs, events);
    }
    for (PresenceEntry e : report.refresh()) {
      put(e, report.node(), now + ttlMs, events);
    }
    return Future.succeededFuture(events);
  }

  @Override
  public Future<List<PresenceEvent>> expire(long now) {
    List<PresenceEvent> events = new ArrayList<>();
    while (!byExpiry.isEmpty() && byExpiry.firstKey() <= now) {
      // taken out first: remove() then finds no bucket to update, and this one is not changed under us
      for (PresenceEntry e : byExpiry.pollFirstEntry().getValue()) {
        remove(e, events);
      }
    }
    return Future.succeededFuture(events);
  }

  @Override
  public Future<List<PresenceEvent>> removeNode(String node) {
    List<PresenceEvent> events = new ArrayList<>();
    Set<PresenceEntry> held = byNode.get(node);
    if (held != null) {
      for (PresenceEntry e : new ArrayList<>(held)) {
        remove(e, events);
      }
    }
    return Future.succeededFuture(events);
  }

  @Override
  public Future<List<PresenceMember>> members(String channel) {
    List<PresenceMember> out = new ArrayList<>();
    Map<String, Map<String, Client>> users = channels.get(channel);
    if (users != null) {
      users.forEach((user, clients) -> out.add(new PresenceMember(user, clients.size())));
      out.sort((a, b) -> a.user().compareTo(b.user()));
    }
    return Future.succeededFuture(out);
  }

  @Override
  public Future<Long> entries() {
    return Future.succeededFuture(entries);
  }

  private void put(PresenceEntry e, String node, long expiresAt, List<PresenceEvent> events) {
    Map<String, Map<String, Client>> users = channels.computeIfAbsent(e.channel(), c -> new HashMap<>());
    Map<String, Client> clients = users.computeIfAbsent(e.user(), u -> new HashMap<>());
    if (clients.isEmpty()) {
      events.add(PresenceEvent.join(e));
    }
    Client before = clients.put(e.client(), new Client(node, expiresAt));
    if (before != null) {
      unindex(e, before);
    } else {
      entries++;
    }
    byExpiry.computeIfAbsent(expiresAt, t -> new HashSet<>()).add(e);
    byNode.computeIfAbsent(node, n -> new HashSet<>()).add(e);
  }

  private void remove(PresenceEntry e, List<PresenceEvent> events) {
    Map<String, Map<String, Client>> users = channels.get(e.channel());
    Map<String, Client> clients = users == null ? null : users.get(e.user());
    Client removed = clients == null ? null : clients.remove(e.client());
    if (removed == null) {
      return;
    }
    entries--;
    unindex(e, removed);
    if (clients.isEmpty()) {
      users.remove(e.user());
      events.add(PresenceEvent.leave(e));
      if (users.isEmpty()) {
        channels.remove(e.channel());
      }
    }
  }

  private void unindex(PresenceEntry e, Client c) {
    Set<PresenceEntry> due = byExpiry.get(c.expiresAt());
    if (due != null && due.remove(e) && due.isEmpty()) {
      byExpiry.remove(c.expiresAt());
    }
    Set<PresenceEntry> held = byNode.get(c.node());
    if (held != null && held.remove(e) && held.isEmpty()) {
      byNode.remove(c.node());
    }
  }
}
