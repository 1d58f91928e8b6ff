package io.rtgw.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/** Subscribers over WebSocket, framed by the server's {@link WsDialect}. */
final class WsTransport implements Transport {

  static final int CONNECT_TIMEOUT_MS = 60_000;
  private final WebSocketClient client;
  private final WsDialect dialect;
  private final String host;
  private final int port;

  WsTransport(WebSocketClient client, WsDialect dialect, String host, int port) {
    this.client = client;
    this.dialect = dialect;
    this.host = host;
    this.port = port;
  }

  WsDialect dialect() {
    return dialect;
  }

  @Override
  public Future<Void> open(Sub s, boolean resume) {
    int generation = ++s.generation;
    io.vertx.core.Promise<Void> ready = io.vertx.core.Promise.promise();
    s.ready = ready;
    s.inboxSubscribed = false;
    s.channelSubscribed = false;
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port)
        .setURI(dialect.uri(s, resume)).setTimeout(CONNECT_TIMEOUT_MS);
    dialect.subProtocols().forEach(options::addSubProtocol);
    client.connect(options).onComplete(ar -> {
      if (ar.failed()) {
        ready.tryFail(ar.cause());
        return;
      }
      WebSocket ws = ar.result();
      if (generation != s.generation || s.closed) {
        ws.close();
        ready.tryFail("dropped while connecting");
        return;
      }
      s.ws = ws;
      // the upgrade's response headers, there only now: whether the server took the offered compression
      String extensions = ws.headers() == null ? null : ws.headers().get("Sec-WebSocket-Extensions");
      s.deflate = extensions != null && extensions.contains("permessage-deflate");
      ws.handler(frame -> {
        if (generation == s.generation) {
          dialect.onFrame(s, ws, frame);
        }
      });
      ws.exceptionHandler(e -> { });
      ws.closeHandler(v -> {
        ready.tryFail("closed before ready");
        if (generation == s.generation && !s.closed) {
          s.serverCloses++;
          s.lastCloseCode = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode();
          s.lastServerCloseAt = System.currentTimeMillis();
        }
      });
      dialect.onOpen(s, ws, resume);
    });
    return s.ready.future();
  }

  @Override
  public void drop(Sub s) {
    s.generation++;
    WebSocket ws = s.ws;
    s.ws = null;
    if (ws != null) {
      ws.close();
    }
  }

  @Override
  public void publish(Sub s, String payload) {
    WebSocket ws = s.ws;
    if (ws != null && !ws.isClosed()) {
      ws.writeTextMessage(dialect.publishFrame(s.channel, payload));
    }
  }
}
