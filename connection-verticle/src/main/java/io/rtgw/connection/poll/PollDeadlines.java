package io.rtgw.connection.poll;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * The timeouts of all held polls on one wheel of {@link #TICK_MS} slots, instead of one Vert.x timer per
 * poll: a timer costs about 180 bytes (Netty's scheduled task, Vert.x's handler, its map entry and id),
 * more than anything else a held poll adds of its own, while here a poll costs two links of its own.
 * A poll is answered up to one tick after its deadline, well inside the protocol's 10% jitter. The
 * periodic timer runs only while polls are held. One per transport, on its event loop: no locking.
 */
final class PollDeadlines {

  /** Resolution of the timeouts: late by at most this, and at most ten slices a second. */
  static final long TICK_MS = 100;

  private final Vertx vertx;
  /** Slot i holds the polls due at tick t with t % slots.length == i; a wait never spans the ring. */
  private final HeldPoll[] slots;
  /** The clock's zero: ticks count from here, so they are never negative. */
  private final long origin = System.nanoTime();
  private long nextTick;
  private long timer = -1;
  private int held;

  /** {@code longestWaitMs}: no poll is ever added with a longer wait. */
  PollDeadlines(Vertx vertx, long longestWaitMs) {
    this.vertx = vertx;
    this.slots = new HeldPoll[(int) (longestWaitMs / TICK_MS) + 3];
  }

  /** Answers {@code poll} with {@link HeldPoll#noNews()} once {@code waitMs} has passed, unless removed first. */
  void add(HeldPoll poll, long waitMs) {
    long nowMs = nowMs();
    if (held == 0) {
      nextTick = nowMs / TICK_MS;
      timer = vertx.setPeriodic(TICK_MS, id -> expire());
    }
    // the slot is run once its tick has begun, which is after the deadline: never early, at most a tick
    // (and the timer's phase) late; a slot already run, or one round the ring, is never chosen
    long due = Math.min(nextTick + slots.length - 1, Math.max(nextTick, (nowMs + Math.max(1, waitMs)) / TICK_MS + 1));
    int slot = (int) (due % slots.length);
    poll.slot = slot;
    poll.newer = null;
    poll.older = slots[slot];
    if (poll.older != null) {
      poll.older.newer = poll;
    }
    slots[slot] = poll;
    held++;
  }

  /** Takes {@code poll} off the wheel (it was answered); nothing if it is not on it. */
  void remove(HeldPoll poll) {
    if (poll.slot < 0) {
      return;
    }
    if (poll.newer != null) {
      poll.newer.older = poll.older;
    } else {
      slots[poll.slot] = poll.older;
    }
    if (poll.older != null) {
      poll.older.newer = poll.newer;
    }
    poll.slot = -1;
    poll.newer = null;
    poll.older = null;
    if (--held == 0 && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  int size() {
    return held;
  }

  private void expire() {
    long now = nowMs() / TICK_MS;
    // a late timer (a busy loop) catches up, each slot at most once
    long from = Math.max(nextTick, now - slots.length + 1);
    for (long t = from; t <= now && held > 0; t++) {
      int slot = (int) (t % slots.length);
      HeldPoll p;
      while ((p = slots[slot]) != null) {
        remove(p);
        p.noNews();
      }
    }
    nextTick = now + 1;
  }

  private long nowMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin);
  }
}
