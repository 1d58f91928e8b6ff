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
 */
public interface ConnectionRegistry {

  /** Applies a report; answers the occupied and vacated events it caused. */
  Future<List<RegistryEvent>> apply(ConnectionReport report);

  /**
   * Drops everything a departed cluster member held; answers a disconnected event per connection it had
   * and a vacated event per channel that only it held. A second call for the same node answers nothing.
   */
  Future<List<RegistryEvent>> removeNode(String node);

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
