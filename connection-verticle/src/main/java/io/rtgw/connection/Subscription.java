package io.rtgw.connection;

import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's subscription to one channel. While it catches up from history it holds back live
 * deliveries; when the history page arrives it writes the page, then whatever live arrived after the
 * page's end, so the seam has no hole and no duplicate.
 */
public final class Subscription {

  private final String channel;
  private final Sink sink;
  private List<Outbound> heldBack;
  private boolean detached;
  /**
   * After a catch-up, the live stream may still be behind the page: the channel can deliver live what
   * the page already held. Messages of {@code caughtUpEpoch} up to {@code caughtUpTo} are skipped.
   */
  private String caughtUpEpoch;
  private long caughtUpTo;

  public Subscription(String channel, Sink sink) {
    this.channel = channel;
    this.sink = sink;
  }

  public String channel() {
    return channel;
  }

  void deliver(Outbound m) {
    if (detached) {
      return;
    }
    if (heldBack != null) {
      heldBack.add(m);
    } else if (m.isMessage()) {
      if (caughtUpEpoch != null && alreadySent(m.message())) {
        return;
      }
      sink.message(m);
    } else {
      sink.presence(m);
    }
  }

  private boolean alreadySent(Message m) {
    if (m.offset() <= caughtUpTo && m.epoch().equals(caughtUpEpoch)) {
      return true;
    }
    caughtUpEpoch = null;
    return false;
  }

  void reset(String epoch, long offset) {
    caughtUpEpoch = null;
    if (!detached && heldBack == null) {
      sink.reset(channel, epoch, offset);
    }
  }

  /** From now on live deliveries wait until {@link #finishCatchUp}. */
  public void startCatchUp() {
    heldBack = new ArrayList<>();
  }

  public boolean catchingUp() {
    return heldBack != null;
  }

  /**
   * Writes the page's messages, then the held-back live ones that come after it, and from then on skips
   * live ones the page already held.
   */
  public void finishCatchUp(HistoryPage page) {
    List<Outbound> held = heldBack;
    heldBack = null;
    long last = page.offset();
    for (Message m : page.messages()) {
      sink.message(new Outbound(m));
    }
    if (held != null) {
      for (Outbound o : held) {
        Message m = o.message();
        if (m == null) {
          sink.presence(o);
        } else if (m.epoch().equals(page.epoch()) && m.offset() > last) {
          sink.message(o);
          last = m.offset();
        }
      }
    }
    caughtUpEpoch = page.epoch();
    caughtUpTo = last;
  }

  void markDetached() {
    detached = true;
  }

  boolean detached() {
    return detached;
  }
}
