package io.rtgw.connection.ws;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.ClientIds;
import io.rtgw.connection.FlushCoalescing;
import io.rtgw.connection.HttpErrors;
import io.rtgw.connection.Identity;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;

/**
 * The WebSocket transport at {@code /ws}: upgrades requests into sessions and runs one ping timer for
 * all of them (not one timer per connection).
 */
public final class WsTransport {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final ChannelHub hub;
  private final PresenceReporter presence;
  private final ClientIds clientIds = new ClientIds();
  private final Set<WsSession> sessions = new HashSet<>();
  private final long pingTimer;
  private boolean draining;

  public WsTransport(Vertx vertx, GatewayConfig config, ChannelHub hub, PresenceReporter presence) {
    this.vertx = vertx;
    this.presence = presence;
    this.config = config;
    this.hub = hub;
    this.pingTimer = vertx.setPeriodic(config.websocket().pingIntervalMs(), id -> pingAll());
  }

  public void upgrade(HttpServerRequest request) {
    if (draining) {
      HttpErrors.send(request.response(), io.rtgw.protocol.ErrorCode.UNAVAILABLE,
          "This node is shutting down; connect to another node or retry shortly.");
      return;
    }
    String user;
    try {
      user = Identity.resolve(request, config.identity());
    } catch (GatewayException e) {
      HttpErrors.send(request.response(), e.code(), e.getMessage());
      return;
    }
    request.toWebSocket().onSuccess(ws -> {
      FlushCoalescing.install(request.connection());
      OutboundQueues.shrink(ws, request.connection());
      WsSession session = new WsSession(ws, user, clientIds.next(), config, hub, this, presence);
      sessions.add(session);
      session.start();
    });
  }

  public int size() {
    return sessions.size();
  }

  /**
   * Starts draining: no new sessions, and every client is told to reconnect after a random delay within
   * {@code windowMs}, so they leave spread out instead of all at once. Returns at once.
   */
  public void drain(long windowMs) {
    draining = true;
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (WsSession s : new ArrayList<>(sessions)) {
      s.reconnect(windowMs <= 0 ? 0 : random.nextLong(windowMs));
    }
  }

  /** Closes every session with {@code code}; used when the node stops. */
  public void closeAll(short code, String reason) {
    vertx.cancelTimer(pingTimer);
    for (WsSession s : new ArrayList<>(sessions)) {
      s.close(code, reason);
    }
  }

  void removed(WsSession session) {
    sessions.remove(session);
  }

  private void pingAll() {
    long now = System.currentTimeMillis();
    for (WsSession s : new ArrayList<>(sessions)) {
      s.pingOrExpire(now);
    }
  }
}
