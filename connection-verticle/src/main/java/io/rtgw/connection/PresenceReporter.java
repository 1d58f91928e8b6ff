package io.rtgw.connection;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.config.PresenceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This connection verticle's side of presence. Its entries live in the registry as long as its lease:
 * joins and leaves are reported within {@code reportDelayMs}, batched, so a reconnect storm costs a few
 * bus messages, not one per client; every {@code heartbeatMs} one lease renewal keeps all of them,
 * however many there are. The entries are sent again (re-asserted, in batches of at most
 * {@link #MAX_BATCH}, one batch per event-loop task) only when they may be missing: the registry
 * answered "not held" (it lost them, or this instance was frozen past its lease and swept), a report
 * failed, or this node merged back into the cluster. A failed report's leaves go again with the next
 * heartbeat, so a leave is never lost to a hiccup and no ghost outlives it.
 *
 * <p>The holder id is this instance's own ({@link PresenceReport#holder}): the instances of a node
 * each have a lease, and each finds out for itself whether its entries are held.
 */
public final class PresenceReporter {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceReporter.class);
  /** Most entries in one report, so a re-assertion stays a handful of moderate messages. */
  static final int MAX_BATCH = 5000;

  private final Vertx vertx;
  private final String holder;
  private final PresenceConfig config;
  private final DeliveryOptions options;
  private final Map<PresenceEntry, Boolean> live = new LinkedHashMap<>();
  private List<PresenceEntry> joins = new ArrayList<>();
  private List<PresenceEntry> leaves = new ArrayList<>();
  /**
   * Reports waiting for the one in flight to be answered: one at a time keeps them in order, so a leave
   * never overtakes the join or refresh before it on the way to another presence instance (which would
   * leave a ghost for as long as this instance's lease lives).
   */
  private final Deque<PresenceReport> outbox = new ArrayDeque<>();
  private boolean inFlight;
  /** Leaves of failed reports, sent again with the next heartbeat. */
  private List<PresenceEntry> failedLeaves = new ArrayList<>();
  /** A report failed, or the cluster dropped this node: re-assert at the next heartbeat, held or not. */
  private boolean reassert;
  private long flushTimer = -1;
  private final long heartbeatTimer;
  private boolean closed;

  public PresenceReporter(Vertx vertx, String node, PresenceConfig config) {
    this.vertx = vertx;
    this.holder = PresenceReport.holder(node, UUID.randomUUID().toString().substring(0, 8));
    this.config = config;
    // an answer later than a heartbeat is worth nothing: the next heartbeat asks again
    this.options = new DeliveryOptions().setSendTimeout(config.heartbeatMs());
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

  /** This instance's holder id: its node id and its own. */
  public String holder() {
    return holder;
  }

  public void close() {
    closed = true;
    vertx.cancelTimer(heartbeatTimer);
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
    }
    // a stopping node says goodbye for its clients rather than leaving them to the lease's expiry
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

  /**
   * Sends the window's joins and leaves, unless a report is still in flight: the window then goes on
   * filling (a client that comes and goes meanwhile still cancels out) and is sent when the answer comes.
   * A window past {@link #MAX_BATCH} goes as several reports, its leaves first, as one report applies them.
   */
  private void flush() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    if ((joins.isEmpty() && leaves.isEmpty()) || (inFlight && !closed)) {
      return;
    }
    for (int from = 0; from < leaves.size(); from += MAX_BATCH) {
      outbox.add(new PresenceReport(holder, List.of(), leaves.subList(from, Math.min(leaves.size(), from + MAX_BATCH)),
          List.of()));
    }
    for (int from = 0; from < joins.size(); from += MAX_BATCH) {
      outbox.add(new PresenceReport(holder, joins.subList(from, Math.min(joins.size(), from + MAX_BATCH)), List.of(),
          List.of()));
    }
    joins = new ArrayList<>();
    leaves = new ArrayList<>();
    pump();
  }

  /**
   * Re-asserts every live entry now rather than when a renewal says so: after this node merged back into
   * the cluster, whose presence tier dropped its entries while it was cut off.
   */
  public void refreshAll() {
    reassert = true;
    heartbeat();
  }

  /**
   * Reports what is pending (with the leaves that failed before), then renews the lease; only an answer
   * other than "held" (or a failure since the last heartbeat) sends the entries themselves.
   */
  private void heartbeat() {
    if (closed) {
      return;
    }
    if (!failedLeaves.isEmpty()) {
      Set<PresenceEntry> again = new LinkedHashSet<>(leaves);
      for (PresenceEntry e : failedLeaves) {
        // one that came back since is live again: its leave would now be wrong
        if (!live.containsKey(e)) {
          again.add(e);
        }
      }
      leaves = new ArrayList<>(again);
      failedLeaves = new ArrayList<>();
    }
    flush();
    request(Addresses.PRESENCE_LEASE, holder).onComplete(ar -> {
      boolean held = ar.succeeded() && ar.result() instanceof JsonObject answer && answer.getBoolean("held", false);
      if ((!held || reassert) && !closed) {
        reassert = false;
        if (!live.isEmpty()) {
          refreshFrom(new ArrayList<>(live.keySet()), 0);
        }
      }
    });
  }

  /**
   * One batch per event-loop task, so a node with 100k entries does not encode them all in one (each a
   * bus message that a clustered bus serializes). An entry that left after the re-assertion began is not
   * sent: the registry would take a refresh of an entry it no longer holds as a join.
   */
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
      outbox.add(new PresenceReport(holder, List.of(), List.of(), batch));
      pump();
    }
    if (i < entries.size() && !closed) {
      int next = i;
      vertx.runOnContext(v -> refreshFrom(entries, next));
    }
  }

  /**
   * Sends the next report once the last one is answered; a stopping instance sends all at once, since
   * nothing would send them later. A report that fails is made good at the next heartbeat: its leaves
   * again, its joins by re-assertion.
   */
  private void pump() {
    while (!outbox.isEmpty() && (!inFlight || closed)) {
      PresenceReport report = outbox.poll();
      inFlight = true;
      request(Addresses.PRESENCE_REPORT, report).onComplete(ar -> {
        if (ar.failed()) {
          LOG.debug("Presence report from {} failed: {}", holder, ar.cause().getMessage());
          failedLeaves.addAll(report.leaves());
          if (!report.joins().isEmpty() || !report.refresh().isEmpty()) {
            reassert = true;
          }
        }
        inFlight = false;
        if (outbox.isEmpty()) {
          flush();
        } else {
          pump();
        }
      });
    }
  }

  private Future<Object> request(String address, Object body) {
    try {
      return vertx.eventBus().request(address, body, options).map(m -> m.body());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
