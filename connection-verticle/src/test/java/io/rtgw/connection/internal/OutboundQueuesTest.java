package io.rtgw.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.ClientContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Over real sockets: the queues are swapped where no drain can be running (an upgraded WebSocket),
 * refused where one is, and the connections still carry what they carried, bursts past the socket's
 * buffers included.
 */
class OutboundQueuesTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void a_server_in_strict_thread_mode_writes_http_connections_without_a_message_queue() throws Exception {
    CompletableFuture<Boolean> strict = new CompletableFuture<>();
    CompletableFuture<Boolean> plain = new CompletableFuture<>();
    HttpServer strictServer = vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true))
        .requestHandler(req -> {
          strict.complete(queuedOrFail(req.connection()));
          // many chunks past the socket's buffers: written straight to Netty, all of them arrive
          HttpServerResponse response = req.response().setChunked(true);
          for (int i = 0; i < 200; i++) {
            response.write("chunk " + i + " " + "x".repeat(2_000) + "\n");
          }
          response.end("end");
        }).listen(0, "127.0.0.1").await();
    HttpServer plainServer = vertx.createHttpServer()
        .requestHandler(req -> {
          plain.complete(queuedOrFail(req.connection()));
          req.response().end();
        }).listen(0, "127.0.0.1").await();
    HttpClient client = vertx.createHttpClient();
    for (int i = 0; i < 5; i++) {
      // from the client context: called from this thread, a body arriving with its head can be dropped
      // and body() never completes (see ClientContext)
      String body = within(ClientContext.on(vertx, () -> client.request(HttpMethod.GET, strictServer.actualPort(),
          "127.0.0.1", "/").compose(r -> r.send()).compose(HttpClientResponse::body))).toString();
      assertThat(body).startsWith("chunk 0 ").contains("chunk 199 ").endsWith("end");
    }
    within(ClientContext.on(vertx, () -> client.request(HttpMethod.GET, plainServer.actualPort(), "127.0.0.1", "/")
        .compose(r -> r.send()).compose(HttpClientResponse::body)));
    assertThat(strict.get(10, TimeUnit.SECONDS)).as("strict thread mode: no queue").isFalse();
    assertThat(plain.get(10, TimeUnit.SECONDS)).as("the default: a queue").isTrue();
  }

  /** A bounded wait: a lost response fails the test instead of hanging the build. */
  private static <T> T within(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static boolean queuedOrFail(io.vertx.core.http.HttpConnection connection) {
    try {
      return OutboundQueues.queued(connection);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
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
    // paused in the task that delivers the head, so nothing the server writes is read (or dropped) early
    HttpClientResponse response = within(ClientContext.on(vertx, () -> client.request(HttpMethod.GET,
        server.actualPort(), "127.0.0.1", "/").compose(r -> r.send()).map(r -> {
          r.pause();
          r.endHandler(v -> pending.complete(true));
          r.handler(b -> { });
          return r;
        })));
    assertThat(whileFull.get(60, TimeUnit.SECONDS)).isFalse();
    // and the connection still delivers everything once the client reads
    ClientContext.on(vertx, () -> {
      response.resume();
      return Future.succeededFuture();
    });
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
    WebSocket ws = within(client.connect(server.actualPort(), "127.0.0.1", "/"));
    ws.textMessageHandler(t -> {
      if (t.equals("hi" + count[0]) && ++count[0] == 100) {
        received.complete(count[0]);
      }
    });
    ws.writeTextMessage("hi");
    assertThat(shrunk.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(100);
  }

  @Test
  void an_upgraded_websocket_with_small_queues_delivers_bursts_that_overflow_the_socket() throws Exception {
    CompletableFuture<Boolean> shrunk = new CompletableFuture<>();
    String big = "x".repeat(4_000);
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.toWebSocket().onSuccess(ws -> {
      shrunk.complete(OutboundQueues.shrink(ws, req.connection()));
      // 2 MB at once, far past the socket's buffers: the queue fills, the channel turns unwritable and
      // drains as the peer reads
      ws.textMessageHandler(text -> {
        for (int i = 0; i < 500; i++) {
          ws.writeTextMessage(text + " " + i + " " + big);
        }
      });
    })).listen(0, "127.0.0.1").await();
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocket ws = within(client.connect(server.actualPort(), "127.0.0.1", "/"));
    for (int round = 0; round < 5; round++) {
      CompletableFuture<Integer> received = new CompletableFuture<>();
      int[] count = {0};
      String go = "go" + round;
      ws.textMessageHandler(t -> {
        if (t.startsWith(go + " ") && ++count[0] == 500) {
          received.complete(count[0]);
        }
      });
      ws.writeTextMessage(go);
      assertThat(received.get(20, TimeUnit.SECONDS)).as("round " + round).isEqualTo(500);
    }
    assertThat(shrunk.get(10, TimeUnit.SECONDS)).isTrue();
  }
}
