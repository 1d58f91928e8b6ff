package io.rtgw.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whole frames written below Vert.x: framed as RFC 6455 says for every length class, used on a plain
 * upgraded connection and declined on one with a compression extension, and, mixed with Vert.x's own writes
 * on a client that stops reading, every frame arrives once and in the order written.
 */
class WebSocketWireTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void frames_decode_to_their_payload_for_every_length_class() {
    for (int n : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 200_000}) {
      byte[] payload = new byte[n];
      Arrays.fill(payload, (byte) 'a');
      EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 20));
      decoder.writeInbound(Unpooled.wrappedBuffer(WebSocketWire.textFrame(payload)));
      TextWebSocketFrame frame = decoder.readInbound();
      assertThat(frame).as("a frame of %d bytes", n).isNotNull();
      assertThat(frame.isFinalFragment()).isTrue();
      assertThat(frame.content().readableBytes()).isEqualTo(n);
      frame.release();
      Object more = decoder.readInbound();
      assertThat(more).isNull();
      decoder.finishAndReleaseAll();
    }
  }

  @Test
  void mixed_with_vertx_writes_under_backpressure_every_frame_arrives_in_order() throws Exception {
    int batches = 60;
    int perBatch = 40;
    byte[] padding = new byte[8_000];
    Arrays.fill(padding, (byte) 'x');
    String pad = new String(padding, StandardCharsets.US_ASCII);
    AtomicInteger raw = new AtomicInteger();
    AtomicInteger declined = new AtomicInteger();
    // the client reads again once the wire has had to decline (or everything is written, and the test fails)
    CompletableFuture<Void> heldBack = new CompletableFuture<>();
    Promise<WebSocketWire> wired = Promise.promise();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      FlushCoalescing.install(req.connection());
      req.toWebSocket().onSuccess(ws -> {
        ws.setWriteQueueMaxSize(64 * 1024);
        WebSocketWire wire = WebSocketWire.of(ws, req.connection());
        wired.complete(wire);
        if (wire == null) {
          return;
        }
        int[] next = {0};
        vertx.setPeriodic(2, id -> {
          for (int i = 0; i < perBatch; i++) {
            int n = next[0]++;
            String text = n + ":" + pad;
            // every third frame through Vert.x, the rest raw where the wire takes them
            if (n % 3 == 0) {
              ws.writeTextMessage(text);
            } else if (wire.write(WebSocketWire.textFrame(text.getBytes(StandardCharsets.UTF_8)))) {
              raw.incrementAndGet();
            } else {
              declined.incrementAndGet();
              heldBack.complete(null);
              ws.writeTextMessage(text);
            }
          }
          if (next[0] >= batches * perBatch) {
            vertx.cancelTimer(id);
            heldBack.complete(null);
          }
        });
      });
    }).listen(0, "127.0.0.1").await();

    List<Integer> received = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> all = new CompletableFuture<>();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 20));
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort())
        .setURI("/")).await();
    ws.textMessageHandler(t -> {
      received.add(Integer.parseInt(t.substring(0, t.indexOf(':'))));
      if (received.size() == batches * perBatch) {
        all.complete(null);
      }
    });
    assertThat(wired.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .as("a plain connection gets a wire").isNotNull();
    // stop reading until the server's socket and queues are full, then read everything
    ws.pause();
    heldBack.get(30, TimeUnit.SECONDS);
    ws.resume();
    all.get(30, TimeUnit.SECONDS);

    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < batches * perBatch; i++) {
      expected.add(i);
    }
    assertThat(received).as("every frame once, in the order written").isEqualTo(expected);
    assertThat(raw.get()).as("frames written raw").isPositive();
    assertThat(declined.get()).as("frames the wire declined while Vert.x held some back").isPositive();
  }

  @Test
  void a_connection_with_a_compression_extension_writes_nothing_raw() throws Exception {
    Promise<Boolean> wired = Promise.promise();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPerMessageWebSocketCompressionSupported(true))
        .requestHandler(req -> {
          FlushCoalescing.install(req.connection());
          req.toWebSocket().onSuccess((ServerWebSocket ws) -> {
            WebSocketWire wire = WebSocketWire.of(ws, req.connection());
            ws.textMessageHandler(t -> {
              // after the handshake, so whatever the extension handler does to the pipeline is done
              wired.complete(wire != null && wire.write(WebSocketWire.textFrame("raw".getBytes(StandardCharsets.UTF_8))));
              ws.writeTextMessage(t);
            });
          });
        }).listen(0, "127.0.0.1").await();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setTryUsePerMessageCompression(true));
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort())
        .setURI("/")).await();
    assertThat(ws.headers().get("sec-websocket-extensions")).as("deflate negotiated").contains("permessage-deflate");
    CompletableFuture<String> echo = new CompletableFuture<>();
    ws.textMessageHandler(echo::complete);
    ws.writeTextMessage("hello");
    assertThat(echo.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
    assertThat(wired.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .as("the wire declines").isFalse();
  }
}
