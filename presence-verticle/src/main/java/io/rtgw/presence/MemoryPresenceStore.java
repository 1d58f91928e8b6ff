package io.rtgw.presence;

import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Presence in this process's memory, owned by one presence-verticle instance (its event loop): no locks.
 * Several instances or processes need the Redis store.
 */
public final class MemoryPresenceStore implements PresenceStore {

  private record Client(String node, long expiresAt) {
  }

  /** channel -> user -> client -> entry. */
  private final Map<String, Map<String, Map<String, Client>>> channels = new HashMap<>();
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
    return Future.succeededFuture(removeWhere((node, c) -> c.expiresAt <= now));
  }

  @Override
  public Future<List<PresenceEvent>> removeNode(String node) {
    return Future.succeededFuture(removeWhere((n, c) -> c.node.equals(node)));
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
    if (clients.put(e.client(), new Client(node, expiresAt)) == null) {
      entries++;
    }
  }

  private void remove(PresenceEntry e, List<PresenceEvent> events) {
    Map<String, Map<String, Client>> users = channels.get(e.channel());
    Map<String, Client> clients = users == null ? null : users.get(e.user());
    if (clients == null || clients.remove(e.client()) == null) {
      return;
    }
    entries--;
    if (clients.isEmpty()) {
      users.remove(e.user());
      events.add(PresenceEvent.leave(e));
      if (users.isEmpty()) {
        channels.remove(e.channel());
      }
    }
  }

  private interface ClientFilter {
    boolean test(String node, Client client);
  }

  private List<PresenceEvent> removeWhere(ClientFilter filter) {
    List<PresenceEvent> events = new ArrayList<>();
    Iterator<Map.Entry<String, Map<String, Map<String, Client>>>> chIt = channels.entrySet().iterator();
    while (chIt.hasNext()) {
      Map.Entry<String, Map<String, Map<String, Client>>> ch = chIt.next();
      Iterator<Map.Entry<String, Map<String, Client>>> userIt = ch.getValue().entrySet().iterator();
      while (userIt.hasNext()) {
        Map.Entry<String, Map<String, Client>> user = userIt.next();
        String lastRemoved = null;
        Iterator<Map.Entry<String, Client>> clientIt = user.getValue().entrySet().iterator();
        while (clientIt.hasNext()) {
          Map.Entry<String, Client> client = clientIt.next();
          if (filter.test(client.getValue().node, client.getValue())) {
            lastRemoved = client.getKey();
            clientIt.remove();
            entries--;
          }
        }
        if (user.getValue().isEmpty()) {
          userIt.remove();
          events.add(new PresenceEvent(PresenceEvent.LEAVE, ch.getKey(), user.getKey(), lastRemoved));
        }
      }
      if (ch.getValue().isEmpty()) {
        chIt.remove();
      }
    }
    return events;
  }
}
