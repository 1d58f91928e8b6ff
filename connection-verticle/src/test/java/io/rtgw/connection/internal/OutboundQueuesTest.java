package io.rtgw.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Over a real socket: the queues are swapped, and the connection still carries frames both ways. */
class OutboundQueuesTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void an_upgraded_websocket_gets_small_queues_and_still_works() throws Exception {
    CompletableFuture<Boolean> shrunk = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.toWebSocket().onSuccess(ws -> {
      shrunk.complete(OutboundQueues.shrink(ws, req.connection()));
      // an echo, many frames at once, so the small queue has to grow past its first chunk
      ws.textMessageHandler(text -> {
        for (int i = 0; i < 100; i++) {
          ws.writeTextMessage(text + i);
        }
      });
    })).listen(0, "127.0.0.1").await();
    WebSocketClient client = vertx.createWebSocketClient();
    CompletableFuture<Integer> received = new CompletableFuture<>();
    int[] count = {0};
    WebSocket ws = client.connect(server.actualPort(), "127.0.0.1", "/").await();
    ws.textMessageHandler(t -> {
      if (t.equals("hi" + count[0]) && ++count[0] == 100) {
        received.complete(count[0]);
      }
    });
    ws.writeTextMessage("hi");
    assertThat(shrunk.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(100);
  }
}
