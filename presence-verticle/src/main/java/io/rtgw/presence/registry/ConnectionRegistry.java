package io.rtgw.presence.registry;

import io.rtgw.protocol.ConnectionEntry;
import io.rtgw.protocol.ConnectionReport;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;

/**
 * The cluster's connections and which connection instances hold each channel, kept when lifecycle
 * events are on. Occupancy is decided here, in one atomic step per report (memory: one map step on the
 * owning event loop; Redis: one script call), so a channel's occupied and vacated are each returned to
 * exactly one caller however many nodes report at once, and however many presence instances apply them.
 *
 * <p>Vacating waits a grace: a change that leaves a channel with no holder marks it vacating until
 * {@code now + grace}; a holder arriving before that removes the mark and nothing is emitted (two
 * connection instances' batched reports can arrive in either order, so an empty channel may be a moment
 * between "gone here" and "came there"). {@link #vacate} emits vacated for the marks past their deadline.
 * A grace of 0 vacates at once. {@code now} is the caller's clock in ms, passed in so tests need no sleep.
 */
public interface ConnectionRegistry {

  /** Applies a report; answers the occupied (and, with no grace, vacated) events it caused. */
  Future<List<RegistryEvent>> apply(ConnectionReport report, long now);

  /**
   * Drops everything a departed cluster member held; answers a disconnected event per connection it had.
   * The channels only it held start vacating like any other (a subscriber reported by another node a
   * moment late must not see vacated then occupied). A second call for the same node answers nothing.
   */
  Future<List<RegistryEvent>> removeNode(String node, long now);

  /**
   * Ends the vacating marks whose deadline is at or before {@code now}: answers a vacated event for each
   * of those channels still without holder, each to exactly one caller. Costs what is vacating (at most
   * {@link #VACATE_BATCH} a call; the rest on the next), not what the registry holds.
   */
  Future<List<RegistryEvent>> vacate(long now);

  /** The most marks one {@link #vacate} call ends. */
  int VACATE_BATCH = 1000;

  /** The connections of {@code user}, oldest first. */
  Future<List<ConnectionEntry>> connections(String user);

  /** The connection, or null. */
  Future<ConnectionEntry> connection(String client);

  /** The connection instances holding {@code channel}'s subscribers. */
  Future<Set<String>> holders(String channel);

  /** Every connection instance holding at least one connection or channel. */
  Future<Set<String>> holders();

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
