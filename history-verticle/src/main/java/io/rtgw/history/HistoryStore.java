package io.rtgw.history;

import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Positions;
import io.rtgw.protocol.RouteChanges;
import io.rtgw.protocol.RouteLease;
import io.rtgw.protocol.config.NamespaceConfig;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;

/**
 * Channel logs: the sequencer of the gateway.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #append} gives each message of a channel the next offset (1, 2, 3... without holes) in
 *   the channel's current epoch, keeps at most the namespace's history size for at most its age, and
 *   is atomic per channel however many callers append at once.</li>
 *   <li>An append whose idempotency key was seen on the same channel within the window stores nothing
 *   and returns the first append's message with {@code duplicate = true}.</li>
 *   <li>A channel's epoch is created when its log is first touched (append or read) and changes only when
 *   the log's state is lost; offsets never continue across epochs. An idle channel keeps its epoch and
 *   latest offset for its namespace's age plus {@link #EPOCH_GRACE_MS} after its last append or read, so a
 *   client that resumes a quiet channel after its messages aged out still learns it missed nothing.</li>
 *   <li>{@link #read} with a position answers {@code recovered = true} only if every message after it is
 *   still retained in the same epoch; otherwise {@code recovered = false} with what is retained.</li>
 *   <li>A negative {@code limit} means no limit; {@code 0} reads only the position.</li>
 *   <li>Routes (node-routed namespaces): a channel's routes are the connection instances that hold
 *   subscribers for it. {@link #append} to a node-routed channel returns, in the same atomic step that
 *   assigns the offset, the routes whose instance holds a live {@link #lease}, and removes the others; so
 *   an instance whose route was stored before the append gets the delivery, one whose route is stored
 *   after finds the message in history.</li>
 * </ul>
 */
public interface HistoryStore {

  /** How much longer than its messages an idle channel keeps its epoch and latest offset. */
  long EPOCH_GRACE_MS = 3_600_000;

  Future<AppendResult> append(AppendCommand command, NamespaceConfig namespace);

  Future<HistoryPage> read(HistoryRead read, NamespaceConfig namespace);

  /**
   * The channels appended to after {@code read}'s cursor, for the connection nodes' position checks: the
   * cost of an answer grows with the appends since the cursor, never with the number of quiet channels.
   * Every append after a cursor this store handed out is reported, unless more than the retained number
   * of appends happened since, or the store lost its state: then the answer says {@code complete = false}
   * with a fresh cursor. A null cursor gets a fresh one, also with {@code complete = false}.
   */
  Future<ChannelChanges> changes(ChangesRead read);

  /**
   * The current positions of {@code channels}, leaving out those the store knows nothing of (no epoch is
   * created here). Like a read, it keeps each channel's epoch alive for its grace.
   */
  Future<Positions> positions(List<String> channels, Function<String, NamespaceConfig> namespaces);

  /** Adds and removes one instance's routes; the future completes once they are stored. */
  Future<Void> route(RouteChanges changes, Function<String, NamespaceConfig> namespaces);

  /**
   * Refreshes {@code lease}, or starts it: true when it was still live, false when it had expired, was
   * dropped or never existed, in which case the instance's routes may have been removed meanwhile.
   */
  Future<Boolean> lease(RouteLease lease);

  /** The routes of {@code channel} whose instance holds a live lease; the others are removed. */
  Future<List<String>> routes(String channel);

  /** Ends the leases of every instance of cluster node {@code node}: their routes are skipped from now. */
  Future<Void> nodeLeft(String node);

  /**
   * Whether the store can serve requests now; cheap enough to call per health check. A store that
   * depends on nothing outside this process is always healthy.
   */
  default Future<Boolean> healthy() {
    return Future.succeededFuture(true);
  }

  /**
   * Drops what expired, a slice at a time: answers true while the round has more left, which the verticle
   * asks for in a task of its own, so a round over every channel never holds the event loop for long.
   */
  default boolean sweep() {
    return false;
  }

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
