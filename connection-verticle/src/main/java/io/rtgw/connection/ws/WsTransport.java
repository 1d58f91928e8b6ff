package io.rtgw.connection.ws;

import io.rtgw.connection.HttpErrors;
import io.rtgw.connection.internal.VertxInternals;
import io.rtgw.connection.session.ClientSession;
import io.rtgw.connection.session.Identity;
import io.rtgw.connection.session.Requests;
import io.rtgw.connection.session.Sessions;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The WebSocket transport at {@code /ws}: upgrades requests into connections and runs one ping timer for
 * all of them (not one timer per connection).
 */
public final class WsTransport {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Sessions sessions;
  private final Requests requests;
  private final VertxInternals internals;
  private final ClientSession.Options options;
  private final Set<WsConnection> connections = new HashSet<>();
  private final long pingTimer;

  public WsTransport(Vertx vertx, GatewayConfig config, Sessions sessions, Requests requests,
                     VertxInternals internals) {
    this.vertx = vertx;
    this.config = config;
    this.sessions = sessions;
    this.requests = requests;
    this.internals = internals;
    this.options = new ClientSession.Options(config.websocket().maxSubscriptions(),
        config.delivery().catchUpPageSize(), true, false);
    this.pingTimer = vertx.setPeriodic(config.websocket().pingIntervalMs(), id -> pingAll());
  }

  public void upgrade(HttpServerRequest request) {
    String user;
    try {
      user = Identity.resolve(request, config.identity());
    } catch (GatewayException e) {
      HttpErrors.send(request.response(), e.code(), e.getMessage());
      return;
    }
    request.toWebSocket().onSuccess(ws -> {
      internals.tune(request.connection());
      internals.shrinkQueues(ws, request.connection());
      WsConnection[] self = new WsConnection[1];
      WsConnection c = new WsConnection(ws, config.websocket(), requests, internals,
          sink -> sessions.open(user, sink, options), () -> connections.remove(self[0]));
      self[0] = c;
      connections.add(c);
      c.start();
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

  /** Closes every connection with 1001 (going away); used when the node stops. */
  public void closeAll() {
    vertx.cancelTimer(pingTimer);
    for (WsConnection c : new ArrayList<>(connections)) {
      c.close(CloseCodes.GOING_AWAY, "server stopping");
    }
  }

  private void pingAll() {
    long now = System.currentTimeMillis();
    for (WsConnection c : new ArrayList<>(connections)) {
      c.pingOrExpire(now);
    }
  }
}
