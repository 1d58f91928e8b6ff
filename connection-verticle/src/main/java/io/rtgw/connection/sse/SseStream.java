package io.rtgw.connection.sse;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.Cursor;
import io.rtgw.connection.FlushCoalescing;
import io.rtgw.connection.Outbound;
import io.rtgw.connection.Sink;
import io.rtgw.connection.Subscription;
import io.rtgw.connection.http.JsonReplies;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.config.SseConfig;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event stream: its subscriptions, the position of each of its channels (the {@code id:} of every
 * message is the cursor of them all), and the bound on what may wait to be written.
 *
 * <p>Every channel is attached holding deliveries back, and caught up from history when the client
 * resumes, before anything is written: so {@code subscribed} comes first, then the missed messages, then
 * live ones, with no hole or duplicate at the seam.
 */
final class SseStream implements Sink {

  private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);

  private final HttpServerResponse response;
  /** Writes pre-framed chunks below Vert.x's HTTP encoder; null where that is not possible. */
  private final FlushCoalescing.RawWriter raw;
  private final List<String> channels;
  private final Cursor resume;
  private final ChannelHub hub;
  private final SseConfig config;
  private final SseTransport transport;
  private final StreamPresence presence;
  private final Map<String, Position> positions = new LinkedHashMap<>();
  private final Map<String, HistoryPage> catchUps = new HashMap<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private boolean open;
  private boolean closed;

  SseStream(HttpServerResponse response, FlushCoalescing.RawWriter raw, List<String> channels, Cursor resume, ChannelHub hub, SseConfig config,
            SseTransport transport, StreamPresence presence) {
    this.response = response;
    this.raw = raw;
    this.presence = presence;
    this.channels = channels;
    this.resume = resume;
    this.hub = hub;
    this.config = config;
    this.transport = transport;
    for (String c : channels) {
      positions.put(c, null);
    }
  }

  void start() {
    response.closeHandler(v -> release());
    response.exceptionHandler(e -> LOG.debug("SSE stream failed: {}", e.getMessage()));
    List<Future<?>> attaching = new ArrayList<>(channels.size());
    for (String channel : channels) {
      Subscription s = new Subscription(channel, this);
      subscriptions.add(s);
      attaching.add(hub.attach(s, true).compose(live -> catchUp(s, live)));
    }
    Future.all(attaching).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        release();
        JsonReplies.fail(response, ar.cause());
      } else {
        begin();
      }
    });
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
      release();
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    }
  }

  @Override
  public void message(Outbound out) {
    if (closed) {
      return;
    }
    Message m = out.message();
    Position at = positions.get(m.channel());
    boolean sameEpoch = m.epoch().equals(at.epoch());
    if (sameEpoch && m.offset() <= at.offset()) {
      return;
    }
    if (!sameEpoch || m.offset() != at.offset() + 1) {
      // a discontinuity the subscription should have reported; ending sends the client back through
      // history, which either fills it or says recovered:false, rather than showing a silent hole
      LOG.warn("SSE stream: channel {} jumped from {} to {}:{}; ending the stream so the client resumes",
          m.channel(), at, m.epoch(), m.offset());
      end();
      return;
    }
    positions.put(m.channel(), new Position(m.epoch(), m.offset()));
    if (positions.size() == 1 && raw != null) {
      writeChunk(out.sseSingleChannelChunk());
    } else if (positions.size() == 1) {
      write(SseEvents.shared(out.sseSingleChannelEvent()));
    } else {
      write(SseEvents.event("message", Cursor.encode(positions), out.sseData()));
    }
  }

  /** {@code event: join} / {@code event: leave}, without an id: presence is not part of the position. */
  @Override
  public void presence(Outbound event) {
    if (open && !closed) {
      write(SseEvents.event(event.event().type(), null, event.sseData()));
    }
  }

  @Override
  public void reset(String channel, String epoch, long offset) {
    if (closed) {
      return;
    }
    positions.put(channel, new Position(epoch, offset));
    JsonObject data = new JsonObject().put("channel", channel).put("epoch", epoch).put("offset", offset);
    write(SseEvents.event("reset", Cursor.encode(positions), data.encode()));
  }

  /** The page that brings {@code s} from the client's position to the live one it was attached at. */
  private Future<?> catchUp(Subscription s, ChannelHub.Position live) {
    String channel = s.channel();
    if (live == null) {
      return Future.succeededFuture();
    }
    Position since = resume == null ? null : resume.positionOf(channel);
    if (since == null || (since.epoch().equals(live.epoch()) && since.offset() == live.offset())) {
      Position at = since == null ? new Position(live.epoch(), live.offset()) : since;
      positions.put(channel, at);
      catchUps.put(channel, new HistoryPage(channel, at.epoch(), at.offset(), true, List.of()));
      return Future.succeededFuture();
    }
    return hub.tiers().read(new HistoryRead(channel, since, -1)).onSuccess(page -> {
      List<Message> missed = page.messages();
      positions.put(channel, page.recovered() ? since
          : new Position(page.epoch(), missed.isEmpty() ? page.offset() : missed.get(0).offset() - 1));
      catchUps.put(channel, page);
    });
  }

  /** Head, {@code retry:}, {@code subscribed} (its id the starting cursor), then each channel's catch-up. */
  private void begin() {
    response.setStatusCode(200)
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .setWriteQueueMaxSize(config.queueBytes());
    open = true;
    JsonArray subscribed = new JsonArray();
    for (String channel : channels) {
      HistoryPage page = catchUps.get(channel);
      subscribed.add(new JsonObject().put("channel", channel).put("epoch", page.epoch()).put("offset", page.offset())
          .put("recovered", page.recovered()));
    }
    // the subscribed event carries an id too: a stream dropped before its first message then resumes
    // from here instead of from "now", and loses nothing published meanwhile
    Buffer first = Buffer.buffer(SseEvents.retry(config.retryMs()))
        .appendBuffer(SseEvents.event("subscribed", Cursor.encode(positions),
            new JsonObject().put("channels", subscribed).encode()));
    write(first);
    presence.joined();
    for (Subscription s : subscriptions) {
      if (closed) {
        return;
      }
      s.finishCatchUp(catchUps.remove(s.channel()));
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
      LOG.debug("Ending slow SSE consumer");
      end();
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
      LOG.debug("Ending slow SSE consumer");
      end();
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
    for (Subscription s : subscriptions) {
      hub.detach(s);
    }
    presence.left();
    transport.removed(this);
  }
}
