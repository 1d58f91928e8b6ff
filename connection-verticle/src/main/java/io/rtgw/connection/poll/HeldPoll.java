package io.rtgw.connection.poll;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.Cursor;
import io.rtgw.connection.Outbound;
import io.rtgw.connection.Sink;
import io.rtgw.connection.Subscription;
import io.rtgw.connection.http.JsonReplies;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A long poll whose cursor covers all its channels. It costs no thread while it waits: it is a set of
 * subscriptions and a timer, answered by whichever comes first, a message or the timeout.
 *
 * <p>The seam between two polls: every channel is attached live first, holding deliveries back, and only
 * then is history read after the cursor. A message published between the two polls is therefore either
 * in that read or among the held-back deliveries, never in neither.
 */
final class HeldPoll implements Sink {

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final List<String> channels;
  private final Cursor cursor;
  private final ChannelHub hub;
  private final PollTransport transport;
  private final int limit;
  private final PollReply reply;
  private final List<Subscription> subscriptions = new ArrayList<>();
  private long timer = -1;
  private boolean answerScheduled;
  private boolean done;

  HeldPoll(Vertx vertx, HttpServerResponse response, List<String> channels, Cursor cursor, ChannelHub hub,
           PollTransport transport, int limit) {
    this.vertx = vertx;
    this.response = response;
    this.channels = channels;
    this.cursor = cursor;
    this.hub = hub;
    this.transport = transport;
    this.limit = limit;
    this.reply = new PollReply(channels);
  }

  void start(long timeoutMs) {
    response.closeHandler(v -> release());
    List<Future<?>> catchUps = new ArrayList<>(channels.size());
    for (String channel : channels) {
      Subscription s = new Subscription(channel, this);
      subscriptions.add(s);
      catchUps.add(hub.attach(s, true).compose(live -> catchUp(s, live)));
    }
    Future.all(catchUps).onComplete(ar -> {
      if (done) {
        return;
      }
      if (ar.failed()) {
        release();
        JsonReplies.fail(response, ar.cause());
      } else if (reply.hasNews()) {
        answer();
      } else {
        hold(timeoutMs);
      }
    });
  }

  /** Answers {@code 204}: the node is stopping, or the timeout passed; the client polls again with its cursor. */
  void noNews() {
    if (!done) {
      release();
      JsonReplies.noContent(response);
    }
  }

  @Override
  public void message(Outbound out) {
    if (done) {
      return;
    }
    Message m = out.message();
    Position at = reply.position(m.channel());
    boolean sameEpoch = m.epoch().equals(at.epoch());
    if (sameEpoch && m.offset() <= at.offset()) {
      return;
    }
    if (sameEpoch && m.offset() == at.offset() + 1) {
      reply.add(m, out.json());
    }
    // anything else is a discontinuity the subscription should have reported: answering with what is
    // continuous sends the client back to history, which settles it exactly
    scheduleAnswer();
  }

  /** Polls carry messages only: presence events are for streams; a poll client asks GET /presence. */
  @Override
  public void presence(Outbound event) {
  }

  @Override
  public void reset(String channel, String epoch, long offset) {
    if (!done) {
      reply.reset(channel, new Position(epoch, offset));
      scheduleAnswer();
    }
  }

  private Future<?> catchUp(Subscription s, ChannelHub.Position live) {
    String channel = s.channel();
    Position since = cursor.positionOf(channel);
    if (live == null || (live.epoch().equals(since.epoch()) && live.offset() == since.offset())) {
      // nothing was published since the cursor (or the poll is gone): no history read is needed
      reply.at(channel, since);
      return Future.succeededFuture();
    }
    return Backlog.readAfter(hub.tiers(), reply, channel, since, limit);
  }

  private void hold(long timeoutMs) {
    for (Subscription s : subscriptions) {
      Position at = reply.position(s.channel());
      s.finishCatchUp(new HistoryPage(s.channel(), at.epoch(), at.offset(), true, List.of()));
    }
    if (!done && !answerScheduled) {
      timer = vertx.setTimer(Math.max(1, timeoutMs), id -> {
        timer = -1;
        noNews();
      });
    }
  }

  /**
   * Answers at the end of the current event-loop task rather than at once, so that messages delivered
   * together (a burst, a healed gap) leave in one reply.
   */
  private void scheduleAnswer() {
    if (!answerScheduled) {
      answerScheduled = true;
      vertx.runOnContext(v -> answer());
    }
  }

  private void answer() {
    if (!done) {
      release();
      JsonReplies.ok(response, reply.toBuffer());
    }
  }

  private void release() {
    if (done) {
      return;
    }
    done = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    for (Subscription s : subscriptions) {
      hub.detachLingering(s);
    }
    transport.removed(this);
  }
}
