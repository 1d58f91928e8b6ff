package io.rtgw.connection.ws;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.rtgw.connection.Outbound;
import io.rtgw.connection.Resume;
import io.rtgw.connection.Sink;
import io.rtgw.connection.events.Reasons;
import io.rtgw.connection.events.ServerSide;
import io.rtgw.connection.internal.VertxInternals;
import io.rtgw.connection.internal.WebSocketWire;
import io.rtgw.connection.hooks.Hooks;
import io.rtgw.connection.metrics.GatewayMetrics;
import io.rtgw.connection.session.ClientSession;
import io.rtgw.connection.session.Identity;
import io.rtgw.connection.session.Requests;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.config.DeliveryConfig;
import io.rtgw.protocol.config.WebSocketConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket: its frames, its liveness (pings and the pong deadline) and its bounded outbound queue.
 * What the client is and holds is its {@link ClientSession}; commands are read here and carried out there
 * or by the shared {@link Requests}.
 */
final class WsConnection implements Sink, ServerSide {

  private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final WebSocketConfig config;
  private final DeliveryConfig delivery;
  private final Requests requests;
  private final VertxInternals internals;
  private final Opener sessions;
  private final Hooks hooks;
  /** True while the connect hook is asked: frames wait, in order, as they do for a token's check. */
  private boolean hooking;
  private final Runnable removed;
  private final WsAuth auth;
  private final WsLimits limits;
  /** True when the pipeline sends the close frame of a refused frame itself (Vert.x internals on). */
  private final boolean pipelineClosesBreaches;
  /** Drops the socket at once, with what it still holds unsent. */
  private final Runnable abort;
  /** Writes whole frames below Vert.x where it can; null where it cannot (TLS, compression, internals off). */
  private final WebSocketWire wire;
  private final GatewayMetrics metrics = GatewayMetrics.current();
  /** The close code this side sent, for the metrics; null when the client closed. */
  private Short closedWith;
  /** Why this side closed, for the disconnected event ({@link Reasons}); null when the client closed. */
  private String closeReason;
  private ClientSession session;
  /** Commands that came while the identity was being settled, carried out once it is. */
  private List<String> early = new ArrayList<>();
  private long lastSeen;
  /** When this connection's last ping went out; 0 before its first. */
  private long pingedAt;
  private boolean closed;

  /** Opens the session of a settled client: with the id the connect hook was told, or a fresh one (null). */
  interface Opener {
    ClientSession open(String clientId, Sink sink, Identity identity);
  }

  WsConnection(Vertx vertx, ServerWebSocket ws, WebSocketConfig config, DeliveryConfig delivery, Requests requests,
               VertxInternals internals, Opener sessions, Hooks hooks, Runnable removed,
               WsAuth auth, WsLimits limits, boolean pipelineClosesBreaches, Runnable abort, WebSocketWire wire) {
    this.wire = wire;
    this.hooks = hooks;
    this.vertx = vertx;
    this.abort = abort;
    this.pipelineClosesBreaches = pipelineClosesBreaches;
    this.ws = ws;
    this.config = config;
    this.delivery = delivery;
    this.requests = requests;
    this.internals = internals;
    this.sessions = sessions;
    this.removed = removed;
    this.auth = auth;
    this.limits = limits;
    this.lastSeen = System.currentTimeMillis();
  }

  /**
   * Starts the connection. {@code identity} is what the upgrade's credentials proved, or null when it
   * carried none: then the client may send {@code connect} with a token first; any other command (or the
   * connect timeout) settles it as anonymous where that is allowed, and closes it with 1008 where not.
   */
  void start(Identity identity) {
    ws.setWriteQueueMaxSize(config.outboundQueueBytes());
    ws.frameHandler(new WsMessages(config.maxFrameBytes(), new WsMessages.Receiver() {
      @Override
      public void text(String text) {
        onText(text);
      }

      @Override
      public void binary() {
        lastSeen = System.currentTimeMillis();
        sendError(null, GatewayException.badRequest("Binary frames are not supported; send JSON text frames."));
      }

      @Override
      public void refuse(short code, String reason) {
        close(code, reason);
      }
    })::frame);
    ws.pongHandler(b -> lastSeen = System.currentTimeMillis());
    ws.exceptionHandler(this::onFailure);
    ws.closeHandler(v -> release());
    if (identity != null) {
      settle(null, identity);
    } else {
      auth.awaitConnect(this);
    }
  }

  /**
   * The credentials are checked: the connect hook, if any, has the last word (and may name the user);
   * then the session opens.
   */
  void settle(Object id, Identity identity) {
    if (closed || session != null || hooking) {
      return;
    }
    if (!hooks.connectOn()) {
      open(id, identity, null);
      return;
    }
    hooking = true;
    String client = hooks.nextClientId();
    hooks.connect("ws", identity, limits.ip(), ws.headers(), client).onComplete(ar -> {
      hooking = false;
      if (closed) {
        return;
      }
      if (ar.failed()) {
        GatewayException e = GatewayException.from(ar.cause(), "hooks");
        // a hook that could not answer is the server's trouble, not the client's: 1011, come back later
        close(e.code() == io.rtgw.protocol.ErrorCode.UNAVAILABLE ? CloseCodes.INTERNAL : CloseCodes.POLICY,
            e.getMessage());
        return;
      }
      open(id, ar.result(), client);
    });
  }

  /** The identity is known: the session opens, {@code connected} goes first, then the automatic subscriptions. */
  private void open(Object id, Identity identity, String client) {
    try {
      limits.admitUser(identity.user());
    } catch (GatewayException e) {
      close(CloseCodes.TOO_MANY_CONNECTIONS, e.getMessage());
      return;
    }
    session = sessions.open(client, this, identity);
    // the connect hook has read the headers, or there is none: nothing reads them from here on
    internals.releaseUpgradeHeaders(ws);
    JsonObject connected = reply(id, "connected").put(Fields.CLIENT, session.clientId());
    if (identity.user() != null) {
      connected.put(Fields.USER, identity.user());
    }
    if (identity.expiresAt() != null) {
      connected.put(Fields.EXPIRES_AT, identity.expiresAt());
    }
    send(connected);
    auth.watchExpiry(this, identity);
    subscribeInbox(1);
    for (Future<Resume> granted : session.subscribeGrants()) {
      granted.onComplete(ar -> subscribed(null, ar.succeeded() ? ar.result() : null));
    }
    List<String> queued = early;
    early = null;
    queued.forEach(this::onText);
  }

  /**
   * The personal channel is what direct messages come through: a client left without it would miss them
   * without knowing. A failure (history slow or down) is tried again after a wait that doubles; when
   * the attempts are used up the connection is closed with 1011, and the client reconnects.
   */
  private void subscribeInbox(int attempt) {
    session.subscribeInbox().onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.succeeded()) {
        subscribed(null, ar.result());
      } else if (attempt >= delivery.autoSubscribeAttempts()) {
        LOG.info("Closing WebSocket client {}: its personal channel could not be subscribed in {} attempts: {}",
            session.clientId(), attempt, ar.cause().getMessage());
        close(CloseCodes.INTERNAL, "personal channel unavailable; reconnect later");
      } else {
        vertx.setTimer(delivery.autoSubscribeRetryMs() << (attempt - 1), id -> {
          if (!closed) {
            subscribeInbox(attempt + 1);
          }
        });
      }
    });
  }

  boolean settled() {
    return session != null;
  }

  /**
   * The refresh hook renews a connection the connect hook gave an expiry; a refusal closes it with 1008,
   * as an expired token does.
   */
  void refreshByHook() {
    if (closed || session == null) {
      return;
    }
    hooks.refresh(session.identity(), session.clientId()).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        close(CloseCodes.POLICY, "refresh refused: " + ar.cause().getMessage());
        return;
      }
      session.reidentify(ar.result());
      auth.watchExpiry(this, ar.result());
    });
  }

  /** Asks the client to refresh its token before {@code expiresAt}. */
  void askRefresh(long expiresAt) {
    send(new JsonObject().put(Fields.TYPE, "refresh").put(Fields.EXPIRES_AT, expiresAt));
  }

  /**
   * Pings a live client; closes one that has not answered the ping of its last turn within the pong
   * timeout. Only an unanswered ping expires a client: measuring silence from the last frame closed
   * healthy clients by the tens of thousands when a loaded event loop stretched the ping round past
   * interval + timeout (57,000 connections over 3 processes on one core), clients that had never been
   * pinged, and set off a reconnect storm.
   */
  void pingOrExpire(long now) {
    if (closed) {
      return;
    }
    if (pingedAt > lastSeen) {
      // unanswered: its deadline runs from that ping. A new ping here would move the deadline, and with
      // a pong timeout of one ping interval or more a silent client was never closed (each turn pinged
      // again before the timeout was past)
      if (now - pingedAt > config.pongTimeoutMs()) {
        close(CloseCodes.NORMAL, "pong timeout");
      }
      return;
    }
    ws.writePing(Buffer.buffer());
    pingedAt = now;
  }

  /** Asks the client to reconnect (to any node) after {@code afterMs}; used while the node drains. */
  void reconnect(long afterMs) {
    send(new JsonObject().put(Fields.TYPE, "reconnect").put(Fields.AFTER_MS, afterMs));
  }

  /** Closes the connection (reasons are at most 123 bytes in a close frame: cut to fit). */
  void close(short code, String reason) {
    reason = reason.length() > 120 ? reason.substring(0, 120) : reason;
    if (!closed) {
      closedWith = code;
      if (closeReason == null) {
        closeReason = code == CloseCodes.SLOW_CONSUMER ? Reasons.SLOW_CONSUMER : Reasons.SERVER_CLOSED;
      }
      if (!ws.isClosed()) {
        ws.close(code, reason);
      }
      release();
    }
  }

  /**
   * The control API closes this connection: the client is told with a {@code disconnect} frame whether
   * it may reconnect (it arrives before the close, which carries the same code).
   */
  @Override
  public void disconnect(int code, boolean reconnect, String reason) {
    if (closed) {
      return;
    }
    send(new JsonObject().put(Fields.TYPE, "disconnect").put(Fields.CODE, code).put("reason", reason)
        .put("reconnect", reconnect));
    closeReason = Reasons.DISCONNECTED;
    close((short) code, reason);
  }

  @Override
  public Future<Boolean> subscribe(String channel) {
    if (closed || session == null) {
      return Future.succeededFuture(false);
    }
    return session.subscribeByServer(channel).map(r -> {
      subscribed(null, r);
      return r != null;
    });
  }

  @Override
  public boolean unsubscribe(String channel) {
    if (closed || session == null || !session.holds(channel)) {
      return false;
    }
    session.unsubscribe(channel);
    send(new JsonObject().put(Fields.TYPE, "unsubscribed").put(Fields.CHANNEL, channel));
    return true;
  }

  @Override
  public void message(Outbound message) {
    metrics.delivered(GatewayMetrics.WS);
    deliver(message);
  }

  @Override
  public void presence(Outbound event) {
    deliver(event);
  }

  /** A delivery's frame, framed once per node: whole below Vert.x where it can be, else through it. */
  private void deliver(Outbound out) {
    if (writable() && (wire == null || !wire.write(out.encoded(WsEncoding.WIRE)))) {
      ws.writeFrame(internals.textFrame(out.encoded(WsEncoding.FRAME)));
    }
  }

  @Override
  public void reset(String channel, String epoch, long offset) {
    send(new JsonObject().put(Fields.TYPE, "reset").put(Fields.CHANNEL, channel).put(Fields.EPOCH, epoch)
        .put(Fields.OFFSET, offset));
  }

  /** The client reconnects and resumes from the last message it got, which loses nothing. */
  @Override
  public void interrupted(String channel, Throwable cause) {
    LOG.debug("WebSocket {}: catch-up of {} interrupted: {}", ws.remoteAddress(), channel, cause.getMessage());
    close(CloseCodes.INTERNAL, "history unavailable; reconnect and resume");
  }

  /**
   * A frame Netty's decoder refused (reserved bits, an unknown opcode, an unmasked frame, a fragmented or
   * oversized control frame, a continuation out of place...): the client is told why with the close code
   * RFC 6455 gives it, before Vert.x drops the connection, instead of seeing a bare TCP close.
   */
  private void onFailure(Throwable e) {
    String text = String.valueOf(e.getMessage());
    if (e instanceof CorruptedWebSocketFrameException c) {
      boolean tooBig = c.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG;
      metrics.refused(tooBig ? "frame_size" : "frame_protocol");
      if (pipelineClosesBreaches) {
        closedWith = (short) c.closeStatus().code();
        release();
        return;
      }
      close(tooBig ? CloseCodes.TOO_BIG : (short) c.closeStatus().code(), tooBig
          ? "message larger than " + config.maxFrameBytes() + " bytes" : "protocol error: " + text);
    } else {
      LOG.debug("WebSocket {} failed: {}", ws.remoteAddress(), text);
    }
  }

  private void onText(String text) {
    lastSeen = System.currentTimeMillis();
    if (session == null) {
      beforeSettled(text);
      return;
    }
    Command cmd;
    try {
      cmd = Command.parse(text);
    } catch (Command.CommandException e) {
      sendError(e.id, e.error);
      return;
    }
    GatewayException limited = limits.charge("publish".equals(cmd.type()));
    if (limited != null) {
      metrics.refused(limits.abusive() ? "commands_abuse" : "rate");
      if (limits.abusive()) {
        close(CloseCodes.POLICY, "rate limit exceeded again and again");
      } else {
        sendError(cmd.id(), limited);
      }
      return;
    }
    try {
      switch (cmd.type()) {
        case "subscribe" -> subscribe(cmd);
        case "unsubscribe" -> unsubscribe(cmd);
        case "publish" -> publish(cmd);
        case "history" -> history(cmd);
        case "presence" -> presence(cmd);
        case "ping" -> send(reply(cmd.id(), "pong"));
        case "refresh" -> refresh(cmd);
        case "rpc" -> rpc(cmd);
        case "connect" -> throw GatewayException.badRequest("This connection is already connected; to renew its "
            + "token send refresh.");
        default -> throw GatewayException.badRequest("Unknown command type '" + cmd.type()
            + "'; use subscribe, unsubscribe, publish, presence, history, ping, refresh or rpc.");
      }
    } catch (GatewayException e) {
      sendError(cmd.id(), e);
    } catch (RuntimeException e) {
      LOG.error("Command {} failed", cmd.type(), e);
      sendError(cmd.id(), GatewayException.from(e, "gateway"));
    }
  }

  /**
   * A frame before the identity is settled: a {@code connect} proves it, anything else settles the client
   * as anonymous where allowed (and is then carried out), or closes it where a token is required.
   */
  private void beforeSettled(String text) {
    if (early == null || auth.verifying(this) || hooking) {
      if (early != null && early.size() < WsAuth.MAX_EARLY_COMMANDS) {
        early.add(text);
      } else {
        close(CloseCodes.POLICY, "too many commands before connect was answered");
      }
      return;
    }
    Command cmd;
    try {
      cmd = Command.parse(text);
    } catch (Command.CommandException e) {
      cmd = null;
    }
    if (cmd != null && "connect".equals(cmd.type())) {
      String token;
      try {
        token = cmd.requiredString(Fields.TOKEN);
      } catch (GatewayException e) {
        close(CloseCodes.POLICY, e.getMessage());
        return;
      }
      auth.connect(this, cmd.id(), token);
      return;
    }
    if (auth.anonymousAllowed()) {
      settle(null, Identity.ANONYMOUS);
      onText(text);
    } else {
      close(CloseCodes.POLICY, "authentication required: send {\"type\":\"connect\",\"token\":...} first");
    }
  }

  private void refresh(Command cmd) {
    String token = cmd.requiredString(Fields.TOKEN);
    auth.refresh(this, token).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        sendError(cmd.id(), GatewayException.from(ar.cause(), "gateway"));
        return;
      }
      Identity renewed = ar.result();
      try {
        session.reidentify(renewed);
      } catch (GatewayException e) {
        sendError(cmd.id(), e);
        return;
      }
      auth.watchExpiry(this, renewed);
      JsonObject out = reply(cmd.id(), "refreshed");
      if (renewed.expiresAt() != null) {
        out.put(Fields.EXPIRES_AT, renewed.expiresAt());
      }
      send(out);
    });
  }

  private void subscribe(Command cmd) {
    String channel = cmd.channel();
    Position since = cmd.since();
    String token = cmd.optionalString(Fields.TOKEN);
    Future<Resume> subscribing = token == null ? session.subscribe(channel, since)
        : auth.verifyGrant(token, session.identity()).compose(granted -> granted.equals(channel)
            ? session.subscribe(channel, since, true)
            : Future.failedFuture(GatewayException.forbidden("The subscription token is for channel '" + granted
                + "', not '" + channel + "'.")));
    subscribing.onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        sendError(cmd.id(), GatewayException.from(ar.cause(), "history"));
        return;
      }
      subscribed(cmd.id(), ar.result());
    });
  }

  /** {@code subscribed} (without an id for the automatic inbox), then the catch-up. */
  private void subscribed(Object id, Resume r) {
    if (r == null || closed) {
      return;
    }
    send(reply(id, "subscribed").put(Fields.CHANNEL, r.subscription().channel()).put(Fields.EPOCH, r.epoch())
        .put(Fields.OFFSET, r.offset()).put(Fields.RECOVERED, r.recovered()));
    r.catchUp();
  }

  private void unsubscribe(Command cmd) {
    String channel = cmd.channel();
    session.unsubscribe(channel);
    send(reply(cmd.id(), "unsubscribed").put(Fields.CHANNEL, channel));
  }

  private void publish(Command cmd) {
    String channel = cmd.channel();
    requests.publish(session.identity(), session.clientId(), channel, cmd.data(), cmd.optionalString(Fields.KEY))
        .onComplete(ar -> {
          if (ar.failed()) {
            sendError(cmd.id(), GatewayException.from(ar.cause(), "fanout"));
          } else {
            write(WsReplies.published(cmd.id(), channel, ar.result()));
          }
        });
  }

  /** {@code {"id","type":"rpc","method","data"}} to the application's rpc hook; its data comes back. */
  private void rpc(Command cmd) {
    String method = cmd.requiredString(Fields.METHOD);
    String data = cmd.hasData() ? cmd.data() : "null";
    answer(cmd, "hooks", requests.rpc(session.identity(), session.clientId(), method, data),
        out -> reply(cmd.id(), "rpc").put(Fields.DATA, io.vertx.core.json.Json.decodeValue(out)));
  }

  private void history(Command cmd) {
    String channel = cmd.channel();
    answer(cmd, "history", requests.history(session.identity(), channel, cmd.since(), cmd.limit()), page -> {
      JsonObject out = reply(cmd.id(), "history");
      page.toJson().forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    });
  }

  private void presence(Command cmd) {
    String channel = cmd.channel();
    answer(cmd, "presence", requests.presence(session.identity(), channel),
        members -> reply(cmd.id(), "presence").put(Fields.CHANNEL, channel).put(Fields.MEMBERS, members));
  }

  private <T> void answer(Command cmd, String tier, Future<T> request, Function<T, JsonObject> reply) {
    request.onComplete(ar -> {
      if (ar.failed()) {
        sendError(cmd.id(), GatewayException.from(ar.cause(), tier));
      } else {
        send(reply.apply(ar.result()));
      }
    });
  }

  private static JsonObject reply(Object id, String type) {
    JsonObject o = new JsonObject();
    if (id != null) {
      o.put(Fields.ID, id);
    }
    return o.put(Fields.TYPE, type);
  }

  private void sendError(Object id, GatewayException e) {
    send(reply(id, "error").put(Fields.CODE, e.code().code()).put(Fields.MESSAGE, e.getMessage()));
  }

  private void send(JsonObject frame) {
    write(frame.toBuffer().getBytes());
  }

  /**
   * Writes a frame unless the outbound queue is past its bound: then the client is not reading fast
   * enough, and it is closed with 4000 so it resumes from its last position instead of growing our heap.
   */
  private void write(byte[] frame) {
    if (writable() && (wire == null || !wire.write(WebSocketWire.textFrame(frame)))) {
      ws.writeFrame(internals.textFrame(frame));
    }
  }

  /** False when nothing may be written: closed, or now closed as a slow consumer. */
  private boolean writable() {
    // the socket can be closed before its close handler has run: check it too, since Vert.x then throws
    if (closed || ws.isClosed()) {
      return false;
    }
    if (ws.writeQueueFull()) {
      LOG.debug("Closing slow consumer {}", ws.remoteAddress());
      metrics.slowConsumer(GatewayMetrics.WS);
      close(CloseCodes.SLOW_CONSUMER, "slow consumer");
      // the close frame waits behind what the peer does not read, so its handshake may never end and
      // Vert.x's closing timeout, which starts once the frame is written, never starts
      vertx.setTimer(config.closeTimeoutMs(), id -> abort.run());
      return false;
    }
    return true;
  }

  private void release() {
    if (closed) {
      return;
    }
    closed = true;
    metrics.connectionClosed(GatewayMetrics.WS, closedWith != null ? String.valueOf(closedWith)
        : ws.closeStatusCode() != null ? String.valueOf(ws.closeStatusCode()) : "closed");
    auth.forget(this);
    limits.release();
    if (session != null) {
      Short code = closedWith != null ? closedWith : ws.closeStatusCode();
      session.close(closeReason != null ? closeReason : Reasons.CLIENT_CLOSED, code == null ? null : (int) code);
    }
    removed.run();
  }
}
