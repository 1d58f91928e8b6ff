package io.rtgw.connection;

import io.rtgw.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this clustered connection node can reach the tiers its clients need: a history instance
 * that answers on the bus, and a fanout instance registered in the cluster. When they stay out of reach
 * (the tiers are down, or this node was cut off from the cluster: frozen, partitioned), it calls
 * {@code onOutage} once, so the clients are told to go elsewhere rather than stay connected and unserved;
 * it calls it again only after the tiers were back in between.
 *
 * <p>Out of reach is told apart from slow. <em>Gone</em> (no member of this node's cluster serves history
 * or fanout: this node was cut off, or the cluster dropped the tier's members) moves the clients once the
 * tiers have not answered for {@code noticeMs}. A history that is registered but does not answer its pings
 * is <em>silent</em>, and moves them only after {@link #SILENT_FACTOR} times that: a core swamped by a
 * connection storm answers seconds late, every connection node shares it, so sending every client
 * elsewhere gains nothing and adds a reconnect storm (the bench's 57,000 connections over 3 processes
 * did exactly that at 3 s, and again at 9 s: the core was silent for 13.6 s while they opened). A frozen
 * core stops its heartbeats, so the cluster's failure detection drops it and it is gone, silence
 * counted from before: its clients are told at once then. The silent window is the last resort for a
 * history that keeps its membership and answers nothing. Pings overlap, one per tick, a late answer
 * counting.
 *
 * <p>A history store that is down (Redis) does not count: history still answers, publishes fail fast
 * with {@code unavailable} and live delivery goes on, and every node shares that store, so moving the
 * clients would gain nothing.
 */
final class OutageWatch {

  private static final Logger LOG = LoggerFactory.getLogger(OutageWatch.class);

  /** How many notice windows a registered history may stay silent before its clients are moved. */
  static final int SILENT_FACTOR = 10;
  /** How long a ping may wait, in notice windows: long enough for a late answer to count. */
  private static final int PING_WAIT_FACTOR = 4;

  private final Vertx vertx;
  private final Registrations registrations;
  private final long noticeMs;
  private final long every;
  private final Runnable onOutage;
  private final DeliveryOptions ping;
  private final long timer;
  /** When the tiers were first seen out of reach, or -1 while they are within it. */
  private long unreachableSince = -1;
  /**
   * When the oldest ping sent since history last answered went out, or -1 when none waits: silence is
   * counted from a ping sent, so a node thawing from a freeze does not count its own freeze as silence.
   */
  private long waitingSince = -1;
  /** The newest ping that has an outcome failed because no member serves history. */
  private boolean historyGone;
  private long pingsSent;
  private long newestOutcome;
  private boolean noticed;
  private boolean lookingUpFanout;

  OutageWatch(Vertx vertx, long noticeMs, Runnable onOutage) {
    this.vertx = vertx;
    this.registrations = new Registrations(vertx, ((VertxInternal) vertx).clusterManager());
    this.noticeMs = noticeMs;
    this.onOutage = onOutage;
    // checked a few times within the notice window
    this.every = Math.max(100, noticeMs / 4);
    this.ping = new DeliveryOptions().setSendTimeout(noticeMs * PING_WAIT_FACTOR);
    this.timer = vertx.setPeriodic(every, id -> check());
  }

  /** Whether history and fanout were out of reach at the last check. */
  boolean unreachable() {
    return unreachableSince >= 0;
  }

  /** Checks now, e.g. when a member left, instead of at the next tick. */
  void check() {
    pingHistory();
    if (lookingUpFanout) {
      return;
    }
    lookingUpFanout = true;
    fanoutRegistered().onComplete(ar -> {
      lookingUpFanout = false;
      judge(ar.succeeded() && ar.result());
    });
  }

  void close() {
    vertx.cancelTimer(timer);
  }

  private void pingHistory() {
    long id = ++pingsSent;
    if (waitingSince < 0) {
      waitingSince = System.currentTimeMillis();
    }
    vertx.eventBus().<JsonObject>request(Addresses.HISTORY_HEALTH, new JsonObject(), ping).onComplete(ar -> {
      if (ar.succeeded()) {
        waitingSince = -1;
      }
      // pings overlap: an old one timing out must not hide that a newer one found nobody
      if (id < newestOutcome) {
        return;
      }
      newestOutcome = id;
      historyGone = ar.failed() && ar.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
    });
  }

  private void judge(boolean fanout) {
    long now = System.currentTimeMillis();
    boolean gone = historyGone || !fanout;
    long silentFor = waitingSince < 0 ? 0 : now - waitingSince;
    // an answer is due about once a tick: overdue by two, and history is not within reach for now
    if (!gone && silentFor <= 2 * every) {
      if (unreachableSince >= 0) {
        LOG.info("History and fanout are within reach again after {} ms", now - unreachableSince);
      }
      unreachableSince = -1;
      noticed = false;
      return;
    }
    if (unreachableSince < 0) {
      unreachableSince = now;
      // a moment without them is common (a member restarting, a core slow under a burst): the line that
      // matters is the notice itself
      LOG.info("History or fanout not answering ({}); clients are told to reconnect elsewhere if no member serves "
          + "them for {} ms, or history stays silent for {} ms", gone ? "no member serves them" : "history silent",
          noticeMs, SILENT_FACTOR * noticeMs);
    }
    boolean due = gone ? now - unreachableSince >= noticeMs : silentFor >= SILENT_FACTOR * noticeMs;
    if (!noticed && due) {
      noticed = true;
      LOG.warn(gone ? "No member serves history or fanout for {} ms" : "History silent for {} ms", gone ? now - unreachableSince : silentFor);
      onOutage.run();
    }
  }

  private Future<Boolean> fanoutRegistered() {
    return registrations.served(Addresses.CLIENT_PUBLISH).otherwise(false);
  }
}
