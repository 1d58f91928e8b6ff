package io.rtgw.connection.ws;

import io.rtgw.connection.HttpErrors;
import io.rtgw.connection.internal.VertxInternals;
import io.rtgw.connection.session.ClientSession;
import io.rtgw.connection.session.Authenticator;
import io.rtgw.connection.session.Identity;
import io.rtgw.connection.session.Limits;
import io.rtgw.connection.session.Requests;
import io.rtgw.connection.session.Sessions;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The WebSocket transport at {@code /ws}: upgrades requests into connections and runs one ping timer for
 * all of them (not one timer per connection), which pings a share of them every {@link #PING_SLICE_MS}:
 * pinging all at once stalled the event loop (about 26 us each: 0.5 s at 19k connections).
 */
public final class WsTransport {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Sessions sessions;
  private final Authenticator authenticator;
  private final Limits limits;
  private final WsAuth auth;
  private final Requests requests;
  private final VertxInternals internals;
  private final ClientSession.Options options;
  private final Set<WsConnection> connections = new HashSet<>();
  /**
   * A slice of the pings every 50 ms: at 100k connections and the default 25 s interval, 200 pings, about
   * 5 ms of the event loop, well under the 10 ms a task may take.
   */
  static final long PING_SLICE_MS = 50;
  private final long pingTimer;
  /** Every connection once, in the order pinged; a closed one leaves it when its turn comes. */
  private final ArrayDeque<WsConnection> pingOrder = new ArrayDeque<>();
  private final double pingShare;
  private double pingsOwed;

  public WsTransport(Vertx vertx, GatewayConfig config, Sessions sessions, Requests requests,
                     Authenticator authenticator, Limits limits, VertxInternals internals) {
    this.vertx = vertx;
    this.limits = limits;
    this.authenticator = authenticator;
    this.auth = new WsAuth(vertx, authenticator, config.auth(), sessions.hooks());
    this.config = config;
    this.sessions = sessions;
    this.requests = requests;
    this.internals = internals;
    this.options = new ClientSession.Options(config.websocket().maxSubscriptions(),
        config.delivery().catchUpPageSize(), true, false);
    long slice = Math.min(PING_SLICE_MS, config.websocket().pingIntervalMs());
    this.pingShare = (double) slice / config.websocket().pingIntervalMs();
    this.pingTimer = vertx.setPeriodic(slice, id -> pingSlice());
  }

  /**
   * Upgrades a request. Credentials on it are checked first: the user parameter where it is not allowed
   * is refused before the upgrade (401), a token that is not valid after it, with close 1008 and the
   * reason (browsers cannot read the status of a failed upgrade). Without credentials the connection
   * waits for a {@code connect} command.
   */
  public void upgrade(HttpServerRequest request) {
    String malformed = WsHandshake.problem(request);
    if (malformed != null) {
      request.response().putHeader("Sec-WebSocket-Version", WsHandshake.VERSION);
      HttpErrors.send(request.response(), io.rtgw.protocol.ErrorCode.BAD_REQUEST, malformed);
      return;
    }
    String ip = limits.clientIp(request);
    try {
      limits.admit(ip);
    } catch (GatewayException e) {
      // browsers cannot read the status of a refused upgrade: the socket opens and closes with 4001
      refuse(request, CloseCodes.TOO_MANY_CONNECTIONS, e.getMessage(), null);
      return;
    }
    if (!authenticator.hasCredentials(request)) {
      accept(request, ip, null);
      return;
    }
    boolean token = request.getParam("token") != null || request.getHeader("Authorization") != null;
    request.pause();
    authenticator.authenticate(request, false).onComplete(ar -> {
      request.resume();
      if (ar.succeeded()) {
        accept(request, ip, ar.result());
      } else if (token) {
        refuse(request, CloseCodes.POLICY, ar.cause().getMessage(), ip);
      } else {
        limits.release(ip, null);
        GatewayException e = GatewayException.from(ar.cause(), "gateway");
        HttpErrors.send(request.response(), e.code(), e.getMessage());
      }
    });
  }

  /** Upgrades, then closes at once with {@code code} and the reason; {@code ip} is released if given. */
  private void refuse(HttpServerRequest request, short code, String reason, String ip) {
    if (ip != null) {
      limits.release(ip, null);
    }
    request.toWebSocket().onSuccess(ws -> ws.close(code, reason.length() > 120 ? reason.substring(0, 120) : reason));
  }

  private void accept(HttpServerRequest request, String ip, Identity identity) {
    request.toWebSocket().onFailure(e -> limits.release(ip, null)).onSuccess(ws -> {
      internals.tune(request.connection());
      internals.shrinkQueues(ws, request.connection());
      boolean pipelineCloses = internals.closeFramesOnBreach(request.connection());
      WsConnection[] self = new WsConnection[1];
      WsConnection c = new WsConnection(vertx, ws, config.websocket(), config.delivery(), requests, internals,
          (client, sink, who) -> client == null
              ? sessions.open(who, sink, options, "ws", (io.rtgw.connection.events.ServerSide) sink)
              : sessions.open(client, who, sink, options, "ws", (io.rtgw.connection.events.ServerSide) sink),
          sessions.hooks(), () -> connections.remove(self[0]), auth,
          new WsLimits(limits, ip), pipelineCloses, internals.aborter(request.connection()),
          internals.webSocketWire(ws, request.connection()));
      self[0] = c;
      // everything above has taken what it needs of the request
      internals.releaseUpgradeRequest(ws);
      connections.add(c);
      pingOrder.addLast(c);
      io.rtgw.connection.metrics.GatewayMetrics.current().connectionOpened(io.rtgw.connection.metrics.GatewayMetrics.WS);
      c.start(identity);
    });
  }

  public int size() {
    return connections.size();
  }

  /**
   * Tells every client to reconnect after a random delay within {@code windowMs}, so they leave spread
   * out instead of all at once. Returns at once.
   */
  public void drain(long windowMs) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (WsConnection c : new ArrayList<>(connections)) {
      c.reconnect(windowMs <= 0 ? 0 : random.nextLong(windowMs));
    }
  }

  /**
   * Closes every connection open now with 1001 and {@code reason}, the transport going on: used when
   * the node sends its clients elsewhere without stopping.
   */
  public void closeOpen(String reason) {
    for (WsConnection c : new ArrayList<>(connections)) {
      c.close(CloseCodes.GOING_AWAY, reason);
    }
  }

  /** Closes every connection with 1001 (going away); used when the node stops. */
  public void closeAll() {
    vertx.cancelTimer(pingTimer);
    for (WsConnection c : new ArrayList<>(connections)) {
      c.close(CloseCodes.GOING_AWAY, "server stopping");
    }
  }

  /** Each connection comes up once per ping interval, in a fixed order, so none waits longer than that. */
  private void pingSlice() {
    long now = System.currentTimeMillis();
    pingsOwed += pingOrder.size() * pingShare;
    while (pingsOwed >= 1 && !pingOrder.isEmpty()) {
      pingsOwed--;
      WsConnection c = pingOrder.pollFirst();
      if (connections.contains(c)) {
        c.pingOrExpire(now);
        pingOrder.addLast(c);
      }
    }
    if (pingOrder.isEmpty()) {
      pingsOwed = 0;
    }
  }
}
