package io.rtgw.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over a real socket, upgraded through the web router as the gateway does: once released, an open
 * WebSocket no longer holds the HTTP connection it was upgraded from with its request (they are
 * collected) nor the upgrade's headers, and it still carries messages both ways.
 */
class UpgradeLeftoversTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void a_released_websocket_lets_its_upgrade_request_go_and_still_works() throws Exception {
    CompletableFuture<WeakReference<HttpConnection>> upgraded = new CompletableFuture<>();
    Promise<ServerWebSocket> opened = Promise.promise();
    // through the web router, as the gateway upgrades: its request and WebSocket are wrappers
    io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
    // and behind the header deadline, whose close listener must not hold the connection either
    io.rtgw.connection.http.HeaderDeadline deadline = new io.rtgw.connection.http.HeaderDeadline(vertx, 600_000);
    router.route().handler(deadline::handle);
    router.get("/ws").handler(ctx -> upgrade(ctx.request(), upgraded, opened));
    HttpServer server = vertx.createHttpServer().connectionHandler(deadline::opened).requestHandler(router)
        .listen(0, "127.0.0.1").await();
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort())
        .setURI("/ws").addHeader("X-Probe", "1")).await();
    WeakReference<HttpConnection> upgradedFrom = upgraded.get(10, TimeUnit.SECONDS);
    ServerWebSocket serverSide = opened.future().await();

    assertThat(serverSide.headers().isEmpty()).as("the upgrade's headers are gone").isTrue();
    for (int i = 0; i < 50 && upgradedFrom.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(upgradedFrom.get()).as("the HTTP connection upgraded from, and its request, were collected").isNull();

    CompletableFuture<String> echo = new CompletableFuture<>();
    ws.textMessageHandler(echo::complete);
    ws.writeTextMessage("hello");
    assertThat(echo.get(10, TimeUnit.SECONDS)).isEqualTo("echo hello");
  }

  private static void upgrade(HttpServerRequest req, CompletableFuture<WeakReference<HttpConnection>> upgraded,
      Promise<ServerWebSocket> opened) {
    req.toWebSocket().onSuccess(ws -> {
      assertThat(ws.headers().get("X-Probe")).isEqualTo("1");
      UpgradeLeftovers.releaseRequest(ws);
      UpgradeLeftovers.releaseHeaders(ws);
      ws.textMessageHandler(t -> ws.writeTextMessage("echo " + t));
      upgraded.complete(new WeakReference<>(req.connection()));
      opened.complete(ws);
    });
  }
}
