package io.rtgw.bench.floor;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The floor: the least a Vert.x WebSocket broadcast server can do, with no bus, no history, no
 * sequencing. {@code /ws?room=r} joins room r; {@code /pub?room=r} only sends. A text frame from any
 * connection goes, as one shared frame, to every member of its room. What the gateway does on top of this
 * is what its ratio to the floor measures. {@code FloorServer <port>}, on 127.0.0.1.
 */
public final class FloorServer {

  private final Map<String, List<ServerWebSocket>> rooms = new HashMap<>();

  private FloorServer() {
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    // one event loop, like the gateway's one connection verticle, so the two are compared like for like
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1));
    FloorServer floor = new FloorServer();
    vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setRegisterWebSocketWriteHandlers(false))
        .webSocketHandler(floor::accept)
        .requestHandler(req -> req.response().end("floor"))
        .listen(port, "127.0.0.1")
        .onFailure(e -> {
          System.err.println("floor: " + e.getMessage());
          System.exit(1);
        })
        .onSuccess(s -> System.out.println("floor listening on 127.0.0.1:" + s.actualPort()));
  }

  private void accept(ServerWebSocket ws) {
    coalesceFlushes(ws);
    String room = ws.query() == null ? null : queryRoom(ws.query());
    if (room == null) {
      ws.close((short) 1008, "room missing");
      return;
    }
    if (ws.path().equals("/ws")) {
      rooms.computeIfAbsent(room, r -> new ArrayList<>()).add(ws);
      ws.closeHandler(v -> leave(room, ws));
    }
    ws.textMessageHandler(text -> broadcast(room, text));
  }

  /**
   * The same write coalescing the gateway uses (one flush per connection per event-loop turn, at most 16
   * frames pending): it is a transport technique, not gateway logic, and the floor is this stack at its best.
   */
  private static void coalesceFlushes(ServerWebSocket ws) {
    if (ws instanceof io.vertx.core.internal.http.WebSocketInternal internal) {
      internal.channelHandlerContext().pipeline().addFirst(new io.netty.handler.flush.FlushConsolidationHandler(16, true));
    }
  }

  private void broadcast(String room, String text) {
    List<ServerWebSocket> members = rooms.get(room);
    if (members == null) {
      return;
    }
    // encoded once, as the gateway does; each write wraps the same bytes (a frame's buffer is released on write)
    byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0, n = members.size(); i < n; i++) {
      members.get(i).writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true));
    }
  }

  private void leave(String room, ServerWebSocket ws) {
    List<ServerWebSocket> members = rooms.get(room);
    if (members != null) {
      members.remove(ws);
      if (members.isEmpty()) {
        rooms.remove(room);
      }
    }
  }

  private static String queryRoom(String query) {
    for (String part : query.split("&")) {
      if (part.startsWith("room=")) {
        return java.net.URLDecoder.decode(part.substring(5), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
