package io.rtgw.connection;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.config.PresenceConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This connection verticle's side of presence. Joins and leaves are reported within
 * {@code reportDelayMs}, batched, so a reconnect storm costs a few bus messages, not one per client;
 * every {@code heartbeatMs} batches of at most {@link #MAX_BATCH} refresh every live entry, one batch per
 * event-loop task. Reports are fire-and-forget: if the
 * presence tier missed one, the next heartbeat puts the entries back.
 */
public final class PresenceReporter {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceReporter.class);
  /** Most entries in one report, so a big node's heartbeat stays a handful of moderate messages. */
  static final int MAX_BATCH = 5000;

  private final Vertx vertx;
  private final String node;
  private final PresenceConfig config;
  private final Map<PresenceEntry, Boolean> live = new LinkedHashMap<>();
  private List<PresenceEntry> joins = new ArrayList<>();
  private List<PresenceEntry> leaves = new ArrayList<>();
  private long flushTimer = -1;
  private final long heartbeatTimer;

  public PresenceReporter(Vertx vertx, String node, PresenceConfig config) {
    this.vertx = vertx;
    this.node = node;
    this.config = config;
    this.heartbeatTimer = vertx.setPeriodic(config.heartbeatMs(), id -> heartbeat());
  }

  public void join(PresenceEntry e) {
    if (live.put(e, Boolean.TRUE) == null) {
      joins.add(e);
      schedule();
    }
  }

  public void leave(PresenceEntry e) {
    if (live.remove(e) != null) {
      // a client that came and went within one report window was never reported: report nothing.
      // Sending both would leave a ghost, since the registry applies a batch's leaves before its joins.
      if (!joins.remove(e)) {
        leaves.add(e);
        schedule();
      }
    }
  }

  public int size() {
    return live.size();
  }

  public void close() {
    vertx.cancelTimer(heartbeatTimer);
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
    }
    // a stopping node says goodbye for its clients rather than leaving them to the TTL
    leaves.addAll(live.keySet());
    live.clear();
    flush();
  }

  private void schedule() {
    if (joins.size() + leaves.size() >= MAX_BATCH) {
      flush();
    } else if (flushTimer < 0) {
      flushTimer = vertx.setTimer(config.reportDelayMs(), id -> flush());
    }
  }

  private void flush() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    if (joins.isEmpty() && leaves.isEmpty()) {
      return;
    }
    send(new PresenceReport(node, joins, leaves, List.of()));
    joins = new ArrayList<>();
    leaves = new ArrayList<>();
  }

  /**
   * Refreshes every live entry now rather than at the next heartbeat: after this node merged back into
   * the cluster, whose presence tier dropped its entries while it was cut off.
   */
  public void refreshAll() {
    heartbeat();
  }

  /**
   * One batch per event-loop task, so a node with 100k entries does not encode them all in one (each a
   * bus message that a clustered bus serializes). An entry that left after the heartbeat began is not
   * refreshed: the registry would take a refresh of an entry it no longer holds as a join.
   */
  private void heartbeat() {
    flush();
    if (!live.isEmpty()) {
      refreshFrom(new ArrayList<>(live.keySet()), 0);
    }
  }

  private void refreshFrom(List<PresenceEntry> entries, int from) {
    List<PresenceEntry> batch = new ArrayList<>(Math.min(MAX_BATCH, entries.size() - from));
    int i = from;
    for (; i < entries.size() && batch.size() < MAX_BATCH; i++) {
      PresenceEntry e = entries.get(i);
      if (live.containsKey(e)) {
        batch.add(e);
      }
    }
    if (!batch.isEmpty()) {
      send(new PresenceReport(node, List.of(), List.of(), batch));
    }
    if (i < entries.size()) {
      int next = i;
      vertx.runOnContext(v -> refreshFrom(entries, next));
    }
  }

  private void send(PresenceReport report) {
    try {
      vertx.eventBus().send(Addresses.PRESENCE_REPORT, report);
    } catch (RuntimeException e) {
      LOG.debug("Presence report not sent: {}", e.getMessage());
    }
  }
}
