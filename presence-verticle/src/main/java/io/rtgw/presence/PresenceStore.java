package io.rtgw.presence;

import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import io.vertx.core.Future;
import java.util.List;

/**
 * The presence registry: which clients of which users are in which channels, each entry held by the
 * connection instance that reported it (its holder, {@link PresenceReport#node()}) and living as long as
 * that holder's lease. A heartbeat renews one lease per holder, not one expiry per entry, and a sweep
 * looks only at the leases that ran out: both cost what changed, not what the registry holds.
 *
 * <p>Contract: every method returns the join and leave events its change caused, and a change is made
 * (and its event returned) exactly once however many presence instances share the store and however
 * often the same removal is asked for: a user joins a channel with its first client and leaves with
 * its last. A refresh of an entry the registry does not hold adds it (with its join), so a registry
 * that lost state heals from the holder's re-assertion.
 */
public interface PresenceStore {

  /**
   * Applies a holder's batch: leaves, then joins, then refreshes. A batch that adds or refreshes anything
   * also extends the holder's lease to now + ttl; if the holder had no live lease, the one it gets now is
   * marked partial (its other entries may be gone), so its next {@link #renew} answers false.
   */
  Future<List<PresenceEvent>> apply(PresenceReport report, long now, long ttlMs);

  /**
   * Renews a holder's lease to now + ttl. True when the lease was live and whole: the registry holds every
   * entry the holder reported. False when it was missing, had run out (a sweep may be removing its
   * entries) or was partial: the holder re-asserts its entries, and the lease counts as whole from now.
   */
  Future<Boolean> renew(String holder, long now, long ttlMs);

  /** Removes the entries of every holder whose lease has run out, and those leases. */
  Future<List<PresenceEvent>> expire(long now);

  /** Removes every entry and lease of a cluster node that left, whichever of its instances held them. */
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
