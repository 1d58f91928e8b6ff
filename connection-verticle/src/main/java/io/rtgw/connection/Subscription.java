package io.rtgw.connection;

import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's subscription to one channel, and the only place that decides what its sink sees: it
 * keeps the position of the last message given to the sink, so every message reaches the sink once and
 * in offset order, and a discontinuity is reported as a reset instead of shown as a hole. While a resume
 * catches up from history, live deliveries wait here ({@link ChannelHub#resume}).
 */
public final class Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

  private final String channel;
  private final Sink sink;
  private String epoch;
  private long offset;
  private List<Outbound> heldBack;
  private boolean detached;
  /** Counted among the node's subscriptions (set and cleared by the hub). */
  boolean attached;

  Subscription(String channel, Sink sink) {
    this.channel = channel;
    this.sink = sink;
  }

  public String channel() {
    return channel;
  }

  /** The position of the last message the sink got (or where it started); null before the resume. */
  public Position position() {
    return epoch == null ? null : new Position(epoch, offset);
  }

  public boolean detached() {
    return detached;
  }

  /** A live delivery from the channel; held back while catching up. */
  void deliver(Outbound out) {
    if (detached) {
      return;
    }
    if (heldBack != null) {
      heldBack.add(out);
    } else if (out.isMessage()) {
      write(out);
    } else {
      sink.presence(out);
    }
  }

  /**
   * The channel lost continuity and goes on from {@code newEpoch}/{@code newOffset}. Ignored while
   * catching up (the catch-up reads history, which tells the same) and when this subscription is already
   * past that point (its catch-up read further than the channel's live stream had come).
   */
  void reset(String newEpoch, long newOffset) {
    if (detached || heldBack != null || (newEpoch.equals(epoch) && newOffset <= offset)) {
      return;
    }
    moveTo(newEpoch, newOffset);
  }

  // ---- the catch-up, driven by Resume

  void hold() {
    heldBack = new ArrayList<>();
  }

  void startAt(Position p) {
    epoch = p.epoch();
    offset = p.offset();
  }

  /** A message read from history while catching up. */
  void caughtUp(Message m) {
    write(new Outbound(m));
  }

  /** History could not continue exactly from the current position: goes on from {@code to}. */
  void skipTo(Position to) {
    moveTo(to.epoch(), to.offset());
  }

  /** Ends the catch-up: the held-back deliveries after the position go out, and live ones from now on. */
  void goLive() {
    List<Outbound> held = heldBack;
    heldBack = null;
    if (held == null) {
      return;
    }
    for (Outbound out : held) {
      deliver(out);
    }
  }

  void sinkInterrupted(Throwable cause) {
    sink.interrupted(channel, cause);
  }

  void markDetached() {
    detached = true;
    heldBack = null;
  }

  private void write(Outbound out) {
    Message m = out.message();
    if (m.epoch().equals(epoch)) {
      if (m.offset() <= offset) {
        // the catch-up page already held it: the live stream was behind the page
        return;
      }
      if (m.offset() != offset + 1) {
        // the channel heals its gaps before it delivers, so this is a bug elsewhere; said out loud
        LOG.warn("Channel {}: a subscription at {}:{} got offset {}; reporting a reset", channel, epoch, offset,
            m.offset());
        moveTo(m.epoch(), m.offset() - 1);
      }
    } else {
      LOG.warn("Channel {}: a subscription at {}:{} got epoch {}; reporting a reset", channel, epoch, offset, m.epoch());
      moveTo(m.epoch(), m.offset() - 1);
    }
    offset = m.offset();
    sink.message(out);
  }

  private void moveTo(String newEpoch, long newOffset) {
    epoch = newEpoch;
    offset = newOffset;
    sink.reset(channel, newEpoch, newOffset);
  }
}
