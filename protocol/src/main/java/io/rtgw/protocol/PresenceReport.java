package io.rtgw.protocol;

import java.util.List;

/**
 * What one connection node tells the presence tier, batched: clients that joined or left since its last
 * report, and ({@code refresh}) every entry it still holds, sent once per heartbeat interval. A refresh
 * re-adds an entry the registry lost, so the registry heals from the next heartbeat.
 *
 * <p>Within one JVM the codec hands this very instance to the presence tier, so the lists are unmodifiable
 * copies: a reporter that went on using its lists could not change a report already sent. An absent list
 * is empty. {@link List#copyOf} keeps an already unmodifiable list as it is, so the empty lists a reporter
 * passes cost nothing; a batch built in an {@code ArrayList} costs one copy of an array of references per
 * report, and reports are batched (per {@code presence.reportDelayMs}, and per heartbeat), not sent per
 * client.
 */
public record PresenceReport(String node, List<PresenceEntry> joins, List<PresenceEntry> leaves,
                             List<PresenceEntry> refresh) {

  public PresenceReport {
    joins = joins == null ? List.of() : List.copyOf(joins);
    leaves = leaves == null ? List.of() : List.copyOf(leaves);
    refresh = refresh == null ? List.of() : List.copyOf(refresh);
  }
}
