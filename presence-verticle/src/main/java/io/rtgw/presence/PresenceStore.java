package io.rtgw.presence;

import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import io.vertx.core.Future;
import java.util.List;

/**
 * The presence registry: which clients of which users are in which channels, each entry owned by the
 * connection node that reported it and valid until its expiry.
 *
 * <p>Contract: every method returns the join and leave events its change caused, and a change is made
 * (and its event returned) exactly once however many presence instances share the store and however
 * often the same removal is asked for: a user joins a channel with its first client and leaves with
 * its last. A refresh of an entry the registry does not hold adds it (with its join), so a registry
 * that lost state heals from the next heartbeat.
 */
public interface PresenceStore {

  /** Applies a node's batch: leaves, then joins, then refreshes; each touched entry lives until now + ttl. */
  Future<List<PresenceEvent>> apply(PresenceReport report, long now, long ttlMs);

  /** Removes every entry whose expiry has passed. */
  Future<List<PresenceEvent>> expire(long now);

  /** Removes every entry of a node that left the cluster. */
  Future<List<PresenceEvent>> removeNode(String node);

  Future<List<PresenceMember>> members(String channel);

  /** How many entries (clients in channels) the registry holds, over every channel and node. */
  Future<Long> entries();

  /** Whether the store answers (Redis: one PING within the command timeout); never fails. */
  default Future<Boolean> healthy() {
    return Future.succeededFuture(true);
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
