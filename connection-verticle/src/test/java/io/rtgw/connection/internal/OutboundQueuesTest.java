package io.rtgw.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over real sockets: the queues are swapped where no drain can be running (a connection that has just
 * opened, an upgraded WebSocket), refused where one is, and the connections still carry what they carried.
 */
class OutboundQueuesTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void a_connection_shrunk_as_it_opens_answers_request_after_request_on_keep_alive() throws Exception {
    List<Boolean> shrunk = new CopyOnWriteArrayList<>();
    List<Boolean> again = new CopyOnWriteArrayList<>();
    HttpServer server = vertx.createHttpServer()
        .connectionHandler(c -> shrunk.add(OutboundQueues.shrink(c)))
        .requestHandler(req -> {
          again.add(OutboundQueues.shrink(req.connection()));
          // many chunks, more than the socket takes at once: the queue fills, drains, and is handed the
          // next request of the connection from the end of this one
          HttpServerResponse response = req.response().setChunked(true);
          for (int i = 0; i < 200; i++) {
            response.write("chunk " + i + " " + "x".repeat(2_000) + "\n");
          }
          response.end("end " + req.path());
        }).listen(0, "127.0.0.1").await();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(1));
    for (int i = 0; i < 20; i++) {
      String body = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/r" + i)
          .compose(r -> r.send()).compose(HttpClientResponse::body).await().toString();
      assertThat(body).startsWith("chunk 0 ").contains("chunk 199 ").endsWith("end /r" + i);
    }
    // one connection for all twenty, shrunk when it opened and found small every time after
    assertThat(shrunk).containsExactly(true);
    assertThat(again).hasSize(20).containsOnly(true);
  }

  @Test
  void a_queue_holding_writes_the_peer_has_not_taken_is_not_swapped() throws Exception {
    CompletableFuture<Boolean> whileFull = new CompletableFuture<>();
    CompletableFuture<Boolean> pending = new CompletableFuture<>();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      HttpServerResponse response = req.response().setChunked(true);
      Buffer chunk = Buffer.buffer("y".repeat(64 * 1024));
      // the client does not read: writes pile up in Vert.x's queue behind a socket that takes no more
      vertx.setPeriodic(20, id -> {
        if (response.writeQueueFull()) {
          vertx.cancelTimer(id);
          whileFull.complete(OutboundQueues.shrink(req.connection()));
          response.end();
          return;
        }
        for (int i = 0; i < 16; i++) {
          response.write(chunk);
        }
      });
    }).listen(0, "127.0.0.1").await();
    HttpClient client = vertx.createHttpClient();
    HttpClientResponse response = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
        .compose(r -> r.send()).await();
    response.pause();
    assertThat(whileFull.get(60, TimeUnit.SECONDS)).isFalse();
    // and the connection still delivers everything once the client reads
    response.endHandler(v -> pending.complete(true));
    response.handler(b -> { });
    response.resume();
    assertThat(pending.get(60, TimeUnit.SECONDS)).isTrue();
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
