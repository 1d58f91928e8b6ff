package io.rtgw.connection.sse;

import io.rtgw.connection.Cursor;
import io.rtgw.connection.http.Params;
import io.rtgw.connection.http.HeldRequests;
import io.rtgw.connection.internal.RawWriter;
import io.rtgw.connection.internal.VertxInternals;
import io.rtgw.connection.session.ClientSession;
import io.rtgw.connection.http.Authenticated;
import io.rtgw.connection.session.Authenticator;
import io.rtgw.connection.session.Identity;
import io.rtgw.connection.session.Limits;
import io.rtgw.connection.session.Sessions;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Server-Sent Events at {@code GET /sse}: opens streams and runs one keep-alive timer for all of them
 * (not one per stream).
 */
public final class SseTransport {

  static final String LAST_EVENT_ID = "Last-Event-ID";

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Sessions sessions;
  private final Authenticator auth;
  private final Limits limits;
  private final VertxInternals internals;
  private final ClientSession.Options options;
  private final Set<SseStream> streams = new HashSet<>();
  private final long keepAliveTimer;

  public SseTransport(Vertx vertx, GatewayConfig config, Sessions sessions, Authenticator auth, Limits limits,
                      VertxInternals internals) {
    this.vertx = vertx;
    this.limits = limits;
    this.auth = auth;
    this.config = config;
    this.sessions = sessions;
    this.internals = internals;
    this.options = new ClientSession.Options(config.sse().maxChannels(), config.delivery().catchUpPageSize(),
        true, false, "sse");
    this.keepAliveTimer = vertx.setPeriodic(config.sse().keepAliveMs(), id -> pingAll());
  }

  /**
   * Opens a stream. It resumes after the browser's {@code Last-Event-ID} header or, for a first
   * connection that already holds a cursor, the {@code lastEventId} parameter; the header wins, since a
   * browser reconnecting keeps the URL it started with.
   */
  public void open(RoutingContext ctx) {
    String client = sessions.nextClientId();
    HttpServerRequest req = ctx.request();
    Authenticated.then(ctx, auth.authenticateWithGrants(req).compose(who -> sessions.hooks().connect("sse", who,
        limits.clientIp(req), req.headers(), client)), who -> open(ctx, who, client));
  }

  private void open(RoutingContext ctx, Identity who, String client) {
    HttpServerRequest request = ctx.request();
    List<String> channels = Params.channels(request, sessions.rules(), who, config.sse().maxChannels());
    String lastId = request.getHeader(LAST_EVENT_ID);
    if (lastId == null || lastId.isEmpty()) {
      lastId = request.getParam("lastEventId");
    }
    Cursor resume = Params.resume(request, lastId);
    String ip = limits.clientIp(request);
    limits.admit(ip, who.user());
    internals.tune(request.connection());
    // HTTP/2 frames its own data: the pre-framed HTTP/1.1 chunks are for HTTP/1.1 only
    RawWriter raw = request.version() == HttpVersion.HTTP_2 ? null : internals.rawWriter(request.connection());
    SseStream[] self = new SseStream[1];
    SseStream stream = new SseStream(vertx, ctx.response(), raw, internals, channels, config.sse(),
        sink -> sessions.open(client, who, sink, options, "sse", (io.rtgw.connection.events.ServerSide) sink), () -> {
          streams.remove(self[0]);
          limits.release(ip, who.user());
        }, config.websocket().closeTimeoutMs(),
        // an HTTP/2 connection carries other streams: only this one is reset
        // neither holds the routing context or the request wrapper, which a long stream would keep alive
        request.version() == HttpVersion.HTTP_2 ? resetter(ctx.response()) : internals.aborter(request.connection()));
    self[0] = stream;
    streams.add(stream);
    HeldRequests.forgetRequest(request);
    stream.start(resume);
    if (who.expiresAt() != null) {
      // the stream ends with its token; the client comes back with a new one and its last id
      stream.endAfter(who.expiresAt() - System.currentTimeMillis());
    }
  }

  public int size() {
    return streams.size();
  }

  /** Ends each stream at a random moment within {@code windowMs}, so browsers reconnect spread out. */
  public void drain(long windowMs) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (SseStream s : new ArrayList<>(streams)) {
      s.endAfter(windowMs <= 0 ? 0 : random.nextLong(windowMs));
    }
  }

  /** Ends every stream; used when the node stops (browsers reconnect, to any node, and resume). */
  public void closeAll() {
    vertx.cancelTimer(keepAliveTimer);
    for (SseStream s : new ArrayList<>(streams)) {
      s.end();
    }
  }

  private void pingAll() {
    for (SseStream s : new ArrayList<>(streams)) {
      s.ping();
    }
  }

  private static Runnable resetter(io.vertx.core.http.HttpServerResponse response) {
    return () -> response.reset();
  }
}
