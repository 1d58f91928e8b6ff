package io.rtgw.connection.sse;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.ClientIds;
import io.rtgw.connection.Cursor;
import io.rtgw.connection.FlushCoalescing;
import io.rtgw.connection.Identity;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.connection.http.Params;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Server-Sent Events at {@code GET /sse}: opens streams and runs one keep-alive timer for all of them
 * (not one per stream).
 */
public final class SseTransport {

  static final String LAST_EVENT_ID = "Last-Event-ID";

  private final Vertx vertx;
  private final GatewayConfig config;
  private final ChannelHub hub;
  private final PresenceReporter reporter;
  private final ClientIds clientIds = new ClientIds();
  private final Set<SseStream> streams = new HashSet<>();
  private final long keepAliveTimer;

  public SseTransport(Vertx vertx, GatewayConfig config, ChannelHub hub, PresenceReporter reporter) {
    this.vertx = vertx;
    this.reporter = reporter;
    this.config = config;
    this.hub = hub;
    this.keepAliveTimer = vertx.setPeriodic(config.sse().keepAliveMs(), id -> pingAll());
  }

  /**
   * Opens a stream. It resumes after the browser's {@code Last-Event-ID} header or, for a first
   * connection that already holds a cursor, the {@code lastEventId} parameter; the header wins, since a
   * browser reconnecting keeps the URL it started with.
   */
  public void open(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String user = Identity.resolve(request, config.identity());
    List<String> channels = Params.channels(request, config, user, config.sse().maxChannels());
    String lastId = request.getHeader(LAST_EVENT_ID);
    if (lastId == null || lastId.isEmpty()) {
      lastId = request.getParam("lastEventId");
    }
    Cursor resume = Params.resume(request, lastId);
    StreamPresence here = new StreamPresence(reporter, config, user, clientIds.next(), channels);
    FlushCoalescing.install(request.connection());
    // HTTP/2 frames its own data: the pre-framed HTTP/1.1 chunks are for HTTP/1.1 only
    FlushCoalescing.RawWriter raw = request.version() == HttpVersion.HTTP_2 ? null
        : FlushCoalescing.rawWriter(request.connection());
    SseStream stream = new SseStream(ctx.response(), raw, channels, resume, hub, config.sse(), this, here);
    streams.add(stream);
    stream.start();
  }

  public int size() {
    return streams.size();
  }

  /** Ends every stream; used when the node stops (browsers reconnect, to any node, and resume). */
  public void closeAll() {
    vertx.cancelTimer(keepAliveTimer);
    for (SseStream s : new ArrayList<>(streams)) {
      s.end();
    }
  }

  void removed(SseStream stream) {
    streams.remove(stream);
  }

  private void pingAll() {
    for (SseStream s : new ArrayList<>(streams)) {
      s.ping();
    }
  }
}
