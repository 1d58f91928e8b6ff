package io.rtgw.connection;

import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.vertx.core.Future;
import java.util.List;

/**
 * A subscription resumed from a client's position: what to tell the client ({@link #epoch},
 * {@link #offset}, {@link #recovered}, as in {@code subscribed}) and the catch-up to run once told.
 *
 * <p>The seam, in one place. The subscription is attached live first, holding deliveries back, and only
 * then is history read after the client's position, so a message published meanwhile is in a page or
 * among the held-back ones, never in neither. Pages are written in order, each read after the last
 * message written; then the held-back live messages go out, skipping those a page already held. A page
 * is at most {@code pageSize} messages, so a long gap is several bounded bus messages, not one huge one.
 */
public final class Resume {

  private final Subscription subscription;
  private final Tiers tiers;
  private final int pageSize;
  private final String epoch;
  private final long offset;
  private final boolean recovered;
  private HistoryPage firstPage;

  private Resume(Subscription subscription, Tiers tiers, int pageSize, String epoch, long offset, boolean recovered,
                 HistoryPage firstPage) {
    this.subscription = subscription;
    this.tiers = tiers;
    this.pageSize = pageSize;
    this.epoch = epoch;
    this.offset = offset;
    this.recovered = recovered;
    this.firstPage = firstPage;
  }

  /** At the live position: nothing to read. */
  static Resume live(Subscription s, Tiers tiers, int pageSize, Position live) {
    return new Resume(s, tiers, pageSize, live.epoch(), live.offset(), true, null);
  }

  /** After the first page of history read after the client's position. */
  static Resume fromPage(Subscription s, Tiers tiers, int pageSize, HistoryPage page) {
    return new Resume(s, tiers, pageSize, page.epoch(), page.offset(), page.recovered(), page);
  }

  /**
   * Where a client that asked for what follows {@code since} goes on from, given the page history
   * answered: its own position when history continues it exactly, else just before the oldest message
   * history still holds (or at the latest, when it holds none).
   */
  public static Position startOf(Position since, HistoryPage page) {
    if (page.recovered()) {
      return since;
    }
    List<Message> messages = page.messages();
    return new Position(page.epoch(), messages.isEmpty() ? page.offset() : messages.get(0).offset() - 1);
  }

  public Subscription subscription() {
    return subscription;
  }

  /** The channel's epoch the client goes on in. */
  public String epoch() {
    return epoch;
  }

  /** The channel's latest offset when the client subscribed. */
  public long offset() {
    return offset;
  }

  /** False when history could not continue the client's position exactly (other epoch, evicted, future). */
  public boolean recovered() {
    return recovered;
  }

  /**
   * Writes every missed message, page after page, then turns the subscription live. Completes when it is
   * live, or fails (the sink is told {@link Sink#interrupted}) when a further page could not be read.
   */
  public Future<Void> catchUp() {
    return catchUp(Integer.MAX_VALUE);
  }

  /**
   * Like {@link #catchUp()} but reads at most {@code pages} pages: when the backlog is longer the
   * subscription stays held after them (a poll answers with what it has, and the next poll goes on).
   */
  public Future<Void> catchUp(int pages) {
    HistoryPage page = firstPage;
    firstPage = null;
    if (page == null) {
      subscription.goLive();
      return Future.succeededFuture();
    }
    write(page);
    return continueAfter(page, pages - 1);
  }

  private Future<Void> continueAfter(HistoryPage page, int pagesLeft) {
    if (subscription.detached()) {
      return Future.succeededFuture();
    }
    Position at = subscription.position();
    boolean more = !page.messages().isEmpty() && at.epoch().equals(page.epoch()) && at.offset() < page.offset();
    if (!more) {
      subscription.goLive();
      return Future.succeededFuture();
    }
    if (pagesLeft <= 0) {
      return Future.succeededFuture();
    }
    return tiers.read(new HistoryRead(subscription.channel(), at, pageSize))
        .compose(next -> {
          if (subscription.detached()) {
            return Future.succeededFuture();
          }
          if (!next.recovered()) {
            // history moved on while the catch-up read (evicted, or its state lost): said, not hidden
            subscription.skipTo(startOf(at, next));
          }
          write(next);
          return continueAfter(next, pagesLeft - 1);
        }, e -> {
          if (!subscription.detached()) {
            subscription.sinkInterrupted(e);
          }
          return Future.failedFuture(e);
        });
  }

  private void write(HistoryPage page) {
    for (Message m : page.messages()) {
      if (subscription.detached()) {
        return;
      }
      subscription.caughtUp(m);
    }
  }
}
