package io.rtgw.protocol;

import java.util.List;

/**
 * What one connection-verticle instance ({@code holder}, on cluster member {@code node}) tells the
 * connection registry, batched: connections opened and closed (client ids), and the channels it got its
 * first local subscriber of ({@code occupied}) or lost its last one ({@code vacated}). The registry turns
 * these into the cluster-wide occupied and vacated events. Lists are unmodifiable copies, as in
 * {@link PresenceReport}; the registry applies closes before opens, vacated before occupied.
 */
public record ConnectionReport(String node, String holder, List<ConnectionEntry> opened, List<String> closed,
                               List<String> occupied, List<String> vacated) {

  public ConnectionReport {
    opened = opened == null ? List.of() : List.copyOf(opened);
    closed = closed == null ? List.of() : List.copyOf(closed);
    occupied = occupied == null ? List.of() : List.copyOf(occupied);
    vacated = vacated == null ? List.of() : List.copyOf(vacated);
  }

  public boolean isEmpty() {
    return opened.isEmpty() && closed.isEmpty() && occupied.isEmpty() && vacated.isEmpty();
  }
}
