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
 * <p>Entries are indexed by holder, and leases by expiry, so a heartbeat is one lease update, a sweep
 * costs the leases that ran out (and their entries), and a node's removal the entries it held.
 */
public final class MemoryPresenceStore implements PresenceStore {

  /** A holder's lease; {@code partial} when it was started by a report rather than a renewal. */
  private record Lease(long expiresAt, boolean partial) {
  }

  /** channel -> user -> client -> holder. */
  private final Map<String, Map<String, Map<String, String>>> channels = new HashMap<>();
  private final Map<String, Set<PresenceEntry>> byHolder = new HashMap<>();
  private final Map<String, Lease> leases = new HashMap<>();
  /** lease expiry -> the holders whose lease runs out then. */
  private final TreeMap<Long, Set<String>> byExpiry = new TreeMap<>();
  /** cluster node -> its holders (one per connection instance). */
  private final Map<String, Set<String>> holders = new HashMap<>();
  /** Kept beside the maps, so counting the clients is not a walk over every channel. */
  private long entries;

  @Override
  public Future<List<PresenceEvent>> apply(PresenceReport report, long now, long ttlMs) {
    List<PresenceEvent> events = new ArrayList<>();
    for (PresenceEntry e : report.leaves()) {
      remove(e, events);
    }
    if (report.joins().isEmpty() && report.refresh().isEmpty()) {
      return Future.succeededFuture(events);
    }
    String holder = report.node();
    Lease lease = leases.get(holder);
    lease(holder, now + ttlMs, lease == null || lease.expiresAt() <= now || lease.partial());
    for (PresenceEntry e : report.joins()) {
      put(e, holder, events);
    }
    for (PresenceEntry e : report.refresh()) {
      put(e, holder, events);
    }
    return Future.succeededFuture(events);
  }

  @Override
  public Future<Boolean> renew(String holder, long now, long ttlMs) {
    Lease lease = leases.get(holder);
    boolean held = lease != null && lease.expiresAt() > now && !lease.partial();
    lease(holder, now + ttlMs, false);
    return Future.succeededFuture(held);
  }

  @Override
  public Future<List<PresenceEvent>> expire(long now) {
    List<PresenceEvent> events = new ArrayList<>();
    while (!byExpiry.isEmpty() && byExpiry.firstKey() <= now) {
      for (String holder : byExpiry.pollFirstEntry().getValue()) {
        drop(holder, events);
      }
    }
    return Future.succeededFuture(events);
  }

  @Override
  public Future<List<PresenceEvent>> removeNode(String node) {
    List<PresenceEvent> events = new ArrayList<>();
    Set<String> held = holders.get(node);
    if (held != null) {
      for (String holder : new ArrayList<>(held)) {
        drop(holder, events);
      }
    }
    return Future.succeededFuture(events);
  }

  @Override
  public Future<List<PresenceMember>> members(String channel) {
    List<PresenceMember> out = new ArrayList<>();
    Map<String, Map<String, String>> users = channels.get(channel);
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

  private void lease(String holder, long expiresAt, boolean partial) {
    Lease before = leases.put(holder, new Lease(expiresAt, partial));
    if (before != null) {
      unindex(holder, before.expiresAt());
    } else {
      holders.computeIfAbsent(PresenceReport.nodeOf(holder), n -> new HashSet<>()).add(holder);
    }
    byExpiry.computeIfAbsent(expiresAt, t -> new HashSet<>()).add(holder);
  }

  /** Takes out a holder's lease and every entry it holds. */
  private void drop(String holder, List<PresenceEvent> events) {
    Lease lease = leases.remove(holder);
    if (lease != null) {
      unindex(holder, lease.expiresAt());
    }
    Set<String> ofNode = holders.get(PresenceReport.nodeOf(holder));
    if (ofNode != null && ofNode.remove(holder) && ofNode.isEmpty()) {
      holders.remove(PresenceReport.nodeOf(holder));
    }
    Set<PresenceEntry> held = byHolder.remove(holder);
    if (held != null) {
      for (PresenceEntry e : held) {
        remove(e, events);
      }
    }
  }

  private void unindex(String holder, long expiresAt) {
    Set<String> due = byExpiry.get(expiresAt);
    if (due != null && due.remove(holder) && due.isEmpty()) {
      byExpiry.remove(expiresAt);
    }
  }

  /** Adds an entry, or moves it to this holder (a poll client may poll on another node now). */
  private void put(PresenceEntry e, String holder, List<PresenceEvent> events) {
    // sized for one: most channels with presence are a user's own, and most users have one client;
    // the default sixteen slots cost 2 x 56 bytes per user for nothing (both grow when they must)
    Map<String, Map<String, String>> users = channels.computeIfAbsent(e.channel(), c -> new HashMap<>(2));
    Map<String, String> clients = users.computeIfAbsent(e.user(), u -> new HashMap<>(2));
    if (clients.isEmpty()) {
      events.add(PresenceEvent.join(e));
    }
    String before = clients.put(e.client(), holder);
    if (before == null) {
      entries++;
    } else if (!before.equals(holder)) {
      unhold(e, before);
    }
    byHolder.computeIfAbsent(holder, h -> new HashSet<>()).add(e);
  }

  private void remove(PresenceEntry e, List<PresenceEvent> events) {
    Map<String, Map<String, String>> users = channels.get(e.channel());
    Map<String, String> clients = users == null ? null : users.get(e.user());
    String holder = clients == null ? null : clients.remove(e.client());
    if (holder == null) {
      return;
    }
    entries--;
    unhold(e, holder);
    if (clients.isEmpty()) {
      users.remove(e.user());
      events.add(PresenceEvent.leave(e));
      if (users.isEmpty()) {
        channels.remove(e.channel());
      }
    }
  }

  private void unhold(PresenceEntry e, String holder) {
    Set<PresenceEntry> held = byHolder.get(holder);
    if (held != null && held.remove(e) && held.isEmpty()) {
      byHolder.remove(holder);
    }
  }
}
