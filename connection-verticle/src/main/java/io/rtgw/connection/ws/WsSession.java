package io.rtgw.connection.ws;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.Outbound;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.connection.Sink;
import io.rtgw.connection.Subscription;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PublishCommand;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.NamespaceConfig;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One WebSocket client: its commands, its subscriptions, and its bounded outbound queue. */
final class WsSession implements Sink {

  private static final Logger LOG = LoggerFactory.getLogger(WsSession.class);
  static final int DEFAULT_HISTORY_LIMIT = 100;
  static final int MAX_HISTORY_LIMIT = 1000;

  private final ServerWebSocket ws;
  private final String user;
  private final GatewayConfig config;
  private final ChannelHub hub;
  private final WsTransport transport;
  private final PresenceReporter presence;
  private final String clientId;
  private final Map<String, Subscription> subscriptions = new HashMap<>();
  private long lastSeen;
  private boolean closed;

  WsSession(ServerWebSocket ws, String user, String clientId, GatewayConfig config, ChannelHub hub,
            WsTransport transport, PresenceReporter presence) {
    this.ws = ws;
    this.clientId = clientId;
    this.presence = presence;
    this.user = user;
    this.config = config;
    this.hub = hub;
    this.transport = transport;
    this.lastSeen = System.currentTimeMillis();
  }

  void start() {
    ws.setWriteQueueMaxSize(config.websocket().outboundQueueBytes());
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> {
      lastSeen = System.currentTimeMillis();
      sendError(null, GatewayException.badRequest("Binary frames are not supported; send JSON text frames."));
    });
    ws.pongHandler(b -> lastSeen = System.currentTimeMillis());
    ws.exceptionHandler(this::onFailure);
    ws.closeHandler(v -> release());
  }

  /** Pings a live client; closes one that has not been heard from within the ping interval plus timeout. */
  void pingOrExpire(long now) {
    if (closed) {
      return;
    }
    if (now - lastSeen > config.websocket().pingIntervalMs() + config.websocket().pongTimeoutMs()) {
      close(CloseCodes.NORMAL, "pong timeout");
    } else {
      ws.writePing(io.vertx.core.buffer.Buffer.buffer());
    }
  }

  private void onFailure(Throwable e) {
    String text = String.valueOf(e.getMessage());
    boolean tooBig = (e instanceof IllegalStateException && text.contains("max message size"))
        || (e instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException c
            && c.closeStatus() == io.netty.handler.codec.http.websocketx.WebSocketCloseStatus.MESSAGE_TOO_BIG);
    if (tooBig) {
      close(CloseCodes.TOO_BIG, "message larger than " + config.websocket().maxFrameBytes() + " bytes");
    } else {
      LOG.debug("WebSocket {} failed: {}", ws.remoteAddress(), text);
    }
  }

  void close(short code, String reason) {
    if (!closed) {
      ws.close(code, reason);
      release();
    }
  }

  @Override
  public void message(Outbound message) {
    write(message.wsFrame());
  }

  @Override
  public void presence(Outbound event) {
    write(event.wsFrame());
  }

  @Override
  public void reset(String channel, String epoch, long offset) {
    send(new JsonObject().put("type", "reset").put("channel", channel).put("epoch", epoch).put("offset", offset));
  }

  private void onText(String text) {
    lastSeen = System.currentTimeMillis();
    Command cmd;
    try {
      cmd = Command.parse(text);
    } catch (Command.CommandException e) {
      sendError(e.id, e.error);
      return;
    }
    try {
      switch (cmd.type()) {
        case "subscribe" -> subscribe(cmd);
        case "unsubscribe" -> unsubscribe(cmd);
        case "publish" -> publish(cmd);
        case "history" -> history(cmd);
        case "presence" -> presence(cmd);
        case "ping" -> send(reply(cmd, "pong"));
        default -> throw GatewayException.badRequest("Unknown command type '" + cmd.type()
            + "'; use subscribe, unsubscribe, publish, presence, history or ping.");
      }
    } catch (GatewayException e) {
      sendError(cmd.id(), e);
    } catch (RuntimeException e) {
      LOG.error("Command {} failed", cmd.type(), e);
      sendError(cmd.id(), GatewayException.from(e, "gateway"));
    }
  }

  private void subscribe(Command cmd) {
    String channel = cmd.channel();
    config.namespaceOf(channel);
    checkPersonal(channel, "subscribe to");
    Position since = cmd.since();
    if (subscriptions.containsKey(channel)) {
      throw GatewayException.badRequest("Already subscribed to '" + channel + "'.");
    }
    if (subscriptions.size() >= config.websocket().maxSubscriptions()) {
      throw GatewayException.badRequest("Too many subscriptions on one connection (at most "
          + config.websocket().maxSubscriptions() + ").");
    }
    Subscription s = new Subscription(channel, this);
    subscriptions.put(channel, s);
    hub.attach(s, since != null).onComplete(ar -> {
      if (closed || subscriptions.get(channel) != s) {
        return;
      }
      if (ar.failed()) {
        subscriptions.remove(channel);
        sendError(cmd.id(), GatewayException.from(ar.cause(), "history"));
        return;
      }
      ChannelHub.Position live = ar.result();
      joinPresence(channel);
      if (since == null) {
        send(subscribed(cmd, channel, live.epoch(), live.offset(), true));
      } else if (since.epoch().equals(live.epoch()) && since.offset() == live.offset()) {
        send(subscribed(cmd, channel, live.epoch(), live.offset(), true));
        s.finishCatchUp(new HistoryPage(channel, live.epoch(), live.offset(), true, List.of()));
      } else {
        catchUp(cmd, s, since);
      }
    });
  }

  private void catchUp(Command cmd, Subscription s, Position since) {
    String channel = s.channel();
    hub.tiers().read(new HistoryRead(channel, since, -1)).onComplete(ar -> {
      if (closed || subscriptions.get(channel) != s) {
        return;
      }
      if (ar.failed()) {
        subscriptions.remove(channel);
        hub.detach(s);
        leavePresence(channel);
        sendError(cmd.id(), GatewayException.from(ar.cause(), "history"));
        return;
      }
      HistoryPage page = ar.result();
      send(subscribed(cmd, channel, page.epoch(), page.offset(), page.recovered()));
      s.finishCatchUp(page);
    });
  }

  private void unsubscribe(Command cmd) {
    String channel = cmd.channel();
    Subscription s = subscriptions.remove(channel);
    if (s != null) {
      hub.detach(s);
      leavePresence(channel);
    }
    send(reply(cmd, "unsubscribed").put("channel", channel));
  }

  private void publish(Command cmd) {
    String channel = cmd.channel();
    String data = cmd.data();
    String key = cmd.optionalString("key");
    hub.tiers().publish(new PublishCommand(channel, data, user, key)).onComplete(ar -> {
      if (ar.failed()) {
        sendError(cmd.id(), GatewayException.from(ar.cause(), "fanout"));
      } else {
        send(reply(cmd, "published").put("channel", channel).put("epoch", ar.result().epoch())
            .put("offset", ar.result().offset()));
      }
    });
  }

  private void history(Command cmd) {
    String channel = cmd.channel();
    config.namespaceOf(channel);
    checkPersonal(channel, "read the history of");
    Position since = cmd.since();
    int limit = cmd.limit(DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT);
    hub.tiers().read(new HistoryRead(channel, since, limit)).onComplete(ar -> {
      if (ar.failed()) {
        sendError(cmd.id(), GatewayException.from(ar.cause(), "history"));
        return;
      }
      JsonObject page = ar.result().toJson();
      JsonObject out = reply(cmd, "history");
      page.forEach(e -> out.put(e.getKey(), e.getValue()));
      send(out);
    });
  }

  private void presence(Command cmd) {
    String channel = cmd.channel();
    NamespaceConfig ns = config.namespaceOf(channel);
    if (!ns.presence()) {
      throw GatewayException.forbidden("Presence is off for namespace '" + ChannelName.namespace(channel) + "'.");
    }
    hub.tiers().presence(channel).onComplete(ar -> {
      if (ar.failed()) {
        sendError(cmd.id(), GatewayException.from(ar.cause(), "presence"));
        return;
      }
      JsonArray members = ar.result().getJsonArray("members", new JsonArray());
      send(reply(cmd, "presence").put("channel", channel).put("members", members));
    });
  }

  /** Identified clients in namespaces with presence on are reported; anonymous ones are nobody to show. */
  private void joinPresence(String channel) {
    if (user != null && config.namespaceOf(channel).presence()) {
      presence.join(new PresenceEntry(channel, user, clientId));
    }
  }

  private void leavePresence(String channel) {
    if (user != null) {
      presence.leave(new PresenceEntry(channel, user, clientId));
    }
  }

  private void checkPersonal(String channel, String action) {
    if (ChannelName.isPersonal(channel) && !ChannelName.personalOwner(channel).equals(user)) {
      throw GatewayException.forbidden("Only user '" + ChannelName.personalOwner(channel) + "' may " + action
          + " channel '" + channel + "'.");
    }
  }

  private static JsonObject reply(Command cmd, String type) {
    JsonObject o = new JsonObject();
    if (cmd.id() != null) {
      o.put("id", cmd.id());
    }
    return o.put("type", type);
  }

  private static JsonObject subscribed(Command cmd, String channel, String epoch, long offset, boolean recovered) {
    return reply(cmd, "subscribed").put("channel", channel).put("epoch", epoch).put("offset", offset)
        .put("recovered", recovered);
  }

  private void sendError(Object id, GatewayException e) {
    JsonObject o = new JsonObject();
    if (id != null) {
      o.put("id", id);
    }
    send(o.put("type", "error").put("code", e.code().code()).put("message", e.getMessage()));
  }

  private void send(JsonObject frame) {
    write(frame.toBuffer().getBytes());
  }

  /**
   * Writes a frame unless the outbound queue is past its bound: then the client is not reading fast
   * enough, and it is closed with 4000 so it resumes from its last position instead of growing our heap.
   * A socket the client dropped is closed before its close handler releases the session; Vert.x throws
   * on any use of it then, which in a fan-out cost every later subscriber the message.
   */
  private void write(byte[] frame) {
    if (closed || ws.isClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      LOG.debug("Closing slow consumer {}", ws.remoteAddress());
      close(CloseCodes.SLOW_CONSUMER, "slow consumer");
      return;
    }
    ws.writeFrame(WsFrames.text(frame));
  }

  private void release() {
    if (closed) {
      return;
    }
    closed = true;
    List<Subscription> all = new ArrayList<>(subscriptions.values());
    subscriptions.clear();
    for (Subscription s : all) {
      hub.detach(s);
      leavePresence(s.channel());
    }
    transport.removed(this);
  }
}
