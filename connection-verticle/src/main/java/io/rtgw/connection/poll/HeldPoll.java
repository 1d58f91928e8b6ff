package io.rtgw.connection.poll;

import io.rtgw.connection.Cursor;
import io.rtgw.connection.Outbound;
import io.rtgw.connection.Resume;
import io.rtgw.connection.Sink;
import io.rtgw.connection.http.JsonReplies;
import io.rtgw.connection.metrics.GatewayMetrics;
import io.rtgw.connection.session.ClientSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A long poll whose cursor covers all its channels. It costs no thread while it waits: a session of
 * subscriptions and a place on its transport's {@link PollDeadlines}, answered by whichever comes first,
 * a message or the timeout. Each channel resumes from the cursor ({@link Resume}); a backlog is answered
 * with its first page at once, and the next poll goes on from there.
 */
final class HeldPoll implements Sink {

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final List<String> channels;
  private final Function<Sink, ClientSession> sessions;
  private final Runnable removed;
  private final PollDeadlines deadlines;
  private final PollReply reply;
  private ClientSession session;
  private final GatewayMetrics metrics = GatewayMetrics.current();
  private long timer = -1;
  private boolean answerScheduled;
  private boolean done;
  /** Its place on {@link PollDeadlines}' wheel: the slot (-1 when off it) and the polls beside it. */
  int slot = -1;
  HeldPoll newer;
  HeldPoll older;

  HeldPoll(Vertx vertx, HttpServerResponse response, List<String> channels, PollDeadlines deadlines,
           Function<Sink, ClientSession> sessions, Runnable removed) {
    this.deadlines = deadlines;
    this.vertx = vertx;
    this.response = response;
    this.channels = channels;
    this.sessions = sessions;
    this.removed = removed;
    this.reply = new PollReply(channels);
  }

  /** Subscribes from {@code cursor}, which is not kept: what the poll held is its subscriptions' positions. */
  void start(Cursor cursor, long timeoutMs) {
    metrics.connectionOpened(GatewayMetrics.POLL);
    session = sessions.apply(this);
    response.closeHandler(v -> release());
    List<Future<Resume>> resuming = new ArrayList<>(channels.size());
    for (String channel : channels) {
      resuming.add(session.subscribe(channel, cursor.positionOf(channel)));
    }
    Future.all(resuming).onComplete(ar -> {
      if (done) {
        return;
      }
      if (ar.failed()) {
        release();
        JsonReplies.fail(response, ar.cause());
        return;
      }
      List<Resume> resumes = ar.result().list();
      for (Resume r : resumes) {
        if (!r.recovered()) {
          reply.reset(r.subscription().channel());
        }
      }
      for (Resume r : resumes) {
        r.catchUp(1);
      }
      if (reply.hasNews()) {
        answer();
      } else {
        hold(timeoutMs);
      }
    });
  }

  /** Answers {@code 204}: the timeout passed; the client polls again with its cursor. */
  void noNews() {
    if (!done) {
      release();
      JsonReplies.noContent(response);
    }
  }

  /** Answers after {@code delayMs} (with what it holds then, or 204): the node drains, polls leave spread out. */
  void answerAfter(long delayMs) {
    if (done) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    timer = vertx.setTimer(Math.max(1, delayMs), id -> {
      timer = -1;
      if (reply.hasNews()) {
        answer();
      } else {
        noNews();
      }
    });
  }

  @Override
  public void message(Outbound out) {
    if (!done) {
      metrics.delivered(GatewayMetrics.POLL);
      reply.add(out.message().channel(), out.json());
      scheduleAnswer();
    }
  }

  /** Polls carry messages only: presence events are for streams; a poll client asks GET /presence. */
  @Override
  public void presence(Outbound event) {
  }

  @Override
  public void reset(String channel, String epoch, long offset) {
    if (!done) {
      reply.reset(channel);
      scheduleAnswer();
    }
  }

  /** Answers with what it has: the cursor holds the last message given, so the next poll goes on from it. */
  @Override
  public void interrupted(String channel, Throwable cause) {
    answer();
  }

  private void hold(long timeoutMs) {
    if (!done && !answerScheduled) {
      deadlines.add(this, timeoutMs);
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
      Buffer body = reply.toBuffer(session.positions());
      release();
      JsonReplies.ok(response, body);
    }
  }

  private void release() {
    if (done) {
      return;
    }
    done = true;
    metrics.connectionClosed(GatewayMetrics.POLL, "answered");
    deadlines.remove(this);
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    session.close();
    removed.run();
  }
}
