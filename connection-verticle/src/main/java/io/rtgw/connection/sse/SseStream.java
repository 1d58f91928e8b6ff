package io.rtgw.connection.sse;

import io.netty.buffer.Unpooled;
import io.rtgw.connection.Cursor;
import io.rtgw.connection.Outbound;
import io.rtgw.connection.Resume;
import io.rtgw.connection.Sink;
import io.rtgw.connection.events.Reasons;
import io.rtgw.connection.events.ServerSide;
import io.rtgw.connection.http.HeldRequests;
import io.rtgw.connection.http.JsonReplies;
import io.rtgw.connection.internal.RawWriter;
import io.rtgw.connection.internal.VertxInternals;
import io.rtgw.connection.metrics.GatewayMetrics;
import io.rtgw.connection.session.ClientSession;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.config.SseConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event stream: its framing (the {@code id:} of every event is the cursor of all its channels), and
 * the bound on what may wait to be written. Its channels, positions and presence are its
 * {@link ClientSession}'s; {@code subscribed} comes first, then each channel's catch-up, then live events.
 */
final class SseStream implements Sink, ServerSide {

  private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);

  private final Vertx vertx;
  private final HttpServerResponse response;
  /** Writes pre-framed chunks below Vert.x's HTTP encoder; null where that is not possible. */
  private final RawWriter raw;
  private final VertxInternals internals;
  /** The request's channels until they are subscribed; then only whether there is one is kept. */
  private List<String> channels;
  private final boolean single;
  private final SseConfig config;
  private final Function<Sink, ClientSession> sessions;
  private final Runnable removed;
  /** How long an ended slow consumer may take to read its end before its socket is dropped. */
  private final long closeTimeoutMs;
  /** Drops the stream's socket (its HTTP/2 stream) at once, with what it still holds unsent. */
  private final Runnable abort;
  private ClientSession session;
  private final GatewayMetrics metrics = GatewayMetrics.current();
  private long endTimer = -1;
  private long endAt;
  private boolean open;
  private boolean closed;
  /** Why this side ended the stream, for the disconnected event; null when the client went. */
  private String endReason;

  SseStream(Vertx vertx, HttpServerResponse response, RawWriter raw, VertxInternals internals, List<String> channels,
            SseConfig config, Function<Sink, ClientSession> sessions, Runnable removed,
            long closeTimeoutMs, Runnable abort) {
    this.vertx = vertx;
    this.closeTimeoutMs = closeTimeoutMs;
    this.abort = abort;
    this.response = response;
    this.raw = raw;
    this.internals = internals;
    this.channels = channels;
    this.single = channels.size() == 1;
    this.config = config;
    this.sessions = sessions;
    this.removed = removed;
  }

  /** Subscribes from {@code resume} (null: from now), which is not kept: the subscriptions hold the positions. */
  void start(Cursor resume) {
    metrics.connectionOpened(GatewayMetrics.SSE);
    session = sessions.apply(this);
    response.closeHandler(v -> release());
    response.exceptionHandler(e -> LOG.debug("SSE stream failed: {}", e.getMessage()));
    List<Future<Resume>> resuming = new ArrayList<>(channels.size());
    for (String channel : channels) {
      resuming.add(session.subscribe(channel, resume == null ? null : resume.positionOf(channel)));
    }
    channels = null;
    Future.all(resuming).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        release();
        JsonReplies.fail(response, ar.cause());
      } else {
        begin(ar.result().list());
      }
    });
  }

  /**
   * The control API ends this stream. An event stream has no close code: a client told not to come back
   * gets an {@code event: disconnect} first; EventSource reconnects regardless, so only a client that
   * reads it can honour it.
   */
  @Override
  public void disconnect(int code, boolean reconnect, String reason) {
    if (closed) {
      return;
    }
    if (open) {
      write(Buffer.buffer("event: disconnect\ndata: " + new JsonObject().put("code", code).put("reason", reason)
          .put("reconnect", reconnect).encode() + "\n\n"));
    }
    endReason = Reasons.DISCONNECTED;
    end();
  }

  /** A stream's channels are those of its request: the SSE wire has no frame to announce another one. */
  @Override
  public Future<Boolean> subscribe(String channel) {
    return Future.succeededFuture(false);
  }

  @Override
  public boolean unsubscribe(String channel) {
    return false;
  }

  /** Writes the keep-alive comment. */
  void ping() {
    if (open) {
      write(SseEvents.PING.copy());
    }
  }

  /** Ends the stream; the client reconnects (after {@code retry}) and resumes from its last id. */
  void end() {
    if (!closed) {
      if (endReason == null) {
        endReason = Reasons.SERVER_CLOSED;
      }
      release();
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    }
  }

  /**
   * Ends a stream whose client does not read: its last chunk waits behind what it has not read, so if it
   * is still not written within the bound the socket is dropped, unsent bytes and all. One that was
   * written (the client read it all) is left alone: HTTP/1.1 may have handed its connection to a new request.
   */
  private void endSlowConsumer() {
    LOG.debug("Ending slow SSE consumer");
    metrics.slowConsumer(GatewayMetrics.SSE);
    endReason = Reasons.SLOW_CONSUMER;
    release();
    if (response.closed() || response.ended()) {
      return;
    }
    Future<Void> ended = response.end();
    vertx.setTimer(closeTimeoutMs, id -> {
      if (!ended.isComplete()) {
        abort.run();
      }
    });
  }

  /**
   * Ends the stream after {@code delayMs} (the node drains and its streams leave spread out, or its token
   * expires), or earlier if an earlier end is already set.
   */
  void endAfter(long delayMs) {
    long at = System.currentTimeMillis() + Math.max(1, delayMs);
    if (!closed && (endTimer < 0 || at < endAt)) {
      if (endTimer >= 0) {
        vertx.cancelTimer(endTimer);
      }
      endAt = at;
      endTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
        endTimer = -1;
        end();
      });
    }
  }

  @Override
  public void message(Outbound out) {
    if (closed) {
      return;
    }
    metrics.delivered(GatewayMetrics.SSE);
    if (single && raw != null) {
      writeChunk(out.encoded(SseEncoding.SINGLE_CHANNEL_CHUNK));
    } else if (single) {
      write(internals.shared(out.encoded(SseEncoding.SINGLE_CHANNEL_EVENT)));
    } else {
      write(SseEvents.event("message", Cursor.encode(session.positions()), out.encoded(SseEncoding.DATA)));
    }
  }

  /** {@code event: join} / {@code event: leave}, without an id: presence is not part of the position. */
  @Override
  public void presence(Outbound event) {
    if (open && !closed) {
      write(SseEvents.event(event.event().type(), null, event.encoded(SseEncoding.DATA)));
    }
  }

  @Override
  public void reset(String channel, String epoch, long offset) {
    if (closed) {
      return;
    }
    JsonObject data = new JsonObject().put(Fields.CHANNEL, channel).put(Fields.EPOCH, epoch).put(Fields.OFFSET, offset);
    write(SseEvents.event("reset", Cursor.encode(session.positions()), data.encode()));
  }

  /** The browser reconnects with its last id and the catch-up goes on from there. */
  @Override
  public void interrupted(String channel, Throwable cause) {
    LOG.debug("SSE stream: catch-up of {} interrupted: {}", channel, cause.getMessage());
    end();
  }

  /** Head, {@code retry:}, {@code subscribed} (its id the starting cursor), then each channel's catch-up. */
  private void begin(List<Resume> resumes) {
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .setWriteQueueMaxSize(config.queueBytes());
    open = true;
    JsonArray subscribed = new JsonArray();
    for (Resume r : resumes) {
      subscribed.add(new JsonObject().put(Fields.CHANNEL, r.subscription().channel()).put(Fields.EPOCH, r.epoch())
          .put(Fields.OFFSET, r.offset()).put(Fields.RECOVERED, r.recovered()));
    }
    // the subscribed event carries an id too: a stream dropped before its first message then resumes
    // from here instead of from "now", and loses nothing published meanwhile
    Buffer first = Buffer.buffer(SseEvents.retry(config.retryMs()))
        .appendBuffer(SseEvents.event("subscribed", Cursor.encode(session.positions()),
            new JsonObject().put(Fields.CHANNELS, subscribed).encode()));
    write(first);
    if (raw != null) {
      // raw writes exist on HTTP/1.1 only
      HeldRequests.forgetResponseHead(response);
    }
    for (Resume r : resumes) {
      if (closed) {
        return;
      }
      r.catchUp();
    }
  }

  /**
   * Writes unless the queue is past its bound: then the client is not reading fast enough, and the stream
   * ends instead of growing our heap; the client resumes from its last id and loses nothing.
   */
  private void write(Buffer event) {
    if (closed) {
      return;
    }
    if (overflowing()) {
      endSlowConsumer();
      return;
    }
    response.write(event);
  }

  /**
   * Writes a message event already framed as an HTTP chunk, past Vert.x's HTTP encoder: the same bytes
   * for every single-channel stream of the node, so no stream encodes or copies anything. Safe to mix
   * with what Vert.x writes: both happen on this event loop, Vert.x writes through at once while the
   * channel is writable, and once it is not (or Vert.x holds anything back) the stream ends instead of
   * writing more, so nothing raw can overtake what Vert.x holds.
   */
  private void writeChunk(byte[] chunk) {
    if (closed) {
      return;
    }
    if (overflowing()) {
      endSlowConsumer();
      return;
    }
    raw.write(Unpooled.wrappedBuffer(chunk));
  }

  /**
   * Past the queue bound: Vert.x's {@code writeQueueFull} counts only its own queue, which raw writes never
   * enter, so the channel itself is asked too.
   */
  private boolean overflowing() {
    return response.writeQueueFull() || (raw != null && raw.full());
  }

  private void release() {
    if (closed) {
      return;
    }
    closed = true;
    metrics.connectionClosed(GatewayMetrics.SSE, "end");
    if (endTimer >= 0) {
      vertx.cancelTimer(endTimer);
    }
    session.close(endReason != null ? endReason : Reasons.CLIENT_CLOSED, null);
    removed.run();
  }
}
