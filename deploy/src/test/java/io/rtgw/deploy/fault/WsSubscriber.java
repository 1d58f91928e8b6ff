package io.rtgw.deploy.fault;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A WebSocket subscriber that resumes with {@code since: {epoch, offset}} after every drop. */
final class WsSubscriber extends Subscriber {

  private final WebSocketClient client;
  private ClientWebSocket ws;
  /** Whether {@link #ws} completed its handshake: closing one that has not throws. */
  private boolean connected;
  private String epoch;
  private long offset;
  private long subscribeId;

  WsSubscriber(Vertx vertx, WebSocketClient client, String channel, String user, List<Integer> ports, long minDelayMs, long maxDelayMs) {
    super(vertx, channel, user, ports, minDelayMs, maxDelayMs);
    this.client = client;
  }

  @Override
  String transport() {
    return "ws";
  }

  @Override
  void open(int port) {
    ClientWebSocket socket = client.webSocket();
    ws = socket;
    connected = false;
    socket.textMessageHandler(text -> onFrame(socket, new JsonObject(text)));
    socket.closeHandler(v -> gone(socket));
    socket.exceptionHandler(e -> gone(socket));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/ws" + (user == null ? "" : "?user=" + user));
    socket.connect(options).onSuccess(s -> {
      if (ws != socket) {
        // dropped while connecting: this late connection is not wanted any more
        s.close();
        return;
      }
      connected = true;
      JsonObject subscribe = new JsonObject().put("id", ++subscribeId).put("type", "subscribe").put("channel", channel);
      if (epoch != null) {
        subscribe.put("since", new JsonObject().put("epoch", epoch).put("offset", offset));
      }
      s.writeTextMessage(subscribe.encode());
    }).onFailure(e -> gone(socket));
  }

  private void onFrame(ClientWebSocket socket, JsonObject frame) {
    if (ws != socket) {
      return;
    }
    String type = frame.getString("type", "");
    switch (type) {
      case "subscribed" -> {
        if (!channel.equals(frame.getString("channel")) || !Long.valueOf(subscribeId).equals(frame.getLong("id"))) {
          return;
        }
        if (epoch != null && !frame.getBoolean("recovered", true)) {
          delivered().notice("recovered:false epoch " + frame.getString("epoch"));
        }
        if (epoch == null || !frame.getBoolean("recovered", true)) {
          epoch = frame.getString("epoch");
          offset = frame.getLong("offset");
        }
        subscribed();
      }
      case "message" -> {
        if (channel.equals(frame.getString("channel"))) {
          epoch = frame.getString("epoch");
          offset = frame.getLong("offset");
          delivered().message(epoch, offset);
        }
      }
      case "reset" -> {
        if (channel.equals(frame.getString("channel"))) {
          delivered().notice("reset epoch " + frame.getString("epoch"));
          epoch = frame.getString("epoch");
          offset = frame.getLong("offset");
        }
      }
      case "join", "leave" -> presence(frame);
      case "reconnect" -> abort();
      default -> {
        // published, pong, errors of other commands: nothing this subscriber tracks
      }
    }
  }

  private void gone(ClientWebSocket socket) {
    if (ws == socket) {
      ws = null;
      ended();
    }
  }

  @Override
  void abort() {
    ClientWebSocket socket = ws;
    if (socket != null) {
      boolean open = connected && !socket.isClosed();
      gone(socket);
      if (open) {
        socket.close();
      }
    }
  }
}
