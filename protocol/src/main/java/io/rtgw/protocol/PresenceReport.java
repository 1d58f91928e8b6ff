package io.rtgw.protocol;

import java.util.List;

/**
 * What one connection instance tells the presence tier, batched: clients that joined or left since its
 * last report, and ({@code refresh}) entries it re-asserts: all of them, in batches, when the presence
 * tier answered its lease renewal with "not held" (the registry lost them, or the instance was frozen past
 * its lease), or after a report of its failed. A refresh re-adds an entry the registry lost.
 *
 * <p>{@code node} is the <em>holder</em> of the entries: the cluster node id, then {@link #HOLDER_MARK} and
 * the reporting instance's own id (several connection instances of a node each hold a lease of their
 * own); a plain node id, as older nodes send, is a holder too. {@link #nodeOf} gives the cluster node
 * back, which is what membership and departures are about.
 *
 * <p>Within one JVM the codec hands this very instance to the presence tier, so the lists are unmodifiable
 * copies: a reporter that went on using its lists could not change a report already sent. An absent list
 * is empty. {@link List#copyOf} keeps an already unmodifiable list as it is, so the empty lists a reporter
 * passes cost nothing; a batch built in an {@code ArrayList} costs one copy of an array of references per
 * report, and reports are batched (per {@code presence.reportDelayMs}), not sent per client.
 */
public record PresenceReport(String node, List<PresenceEntry> joins, List<PresenceEntry> leaves,
                             List<PresenceEntry> refresh) {

  /** Between a holder's node id and its instance id: cluster node ids are UUIDs, which never hold it. */
  public static final char HOLDER_MARK = '#';

  public PresenceReport {
    joins = joins == null ? List.of() : List.copyOf(joins);
    leaves = leaves == null ? List.of() : List.copyOf(leaves);
    refresh = refresh == null ? List.of() : List.copyOf(refresh);
  }

  /** The holder id of one connection instance of {@code node}. */
  public static String holder(String node, String instance) {
    return node + HOLDER_MARK + instance;
  }

  /** The cluster node a holder id belongs to: all before the first {@link #HOLDER_MARK}. */
  public static String nodeOf(String holder) {
    int mark = holder.indexOf(HOLDER_MARK);
    return mark < 0 ? holder : holder.substring(0, mark);
  }
}
