package io.rtgw.protocol;

import java.util.List;

/**
 * What one connection node tells the presence tier, batched: clients that joined or left since its last
 * report, and ({@code refresh}) every entry it still holds, sent once per heartbeat interval. A refresh
 * re-adds an entry the registry lost, so the registry heals from the next heartbeat.
 */
public record PresenceReport(String node, List<PresenceEntry> joins, List<PresenceEntry> leaves,
                             List<PresenceEntry> refresh) {

  public PresenceReport {
    joins = joins == null ? List.of() : joins;
    leaves = leaves == null ? List.of() : leaves;
    refresh = refresh == null ? List.of() : refresh;
  }
}
