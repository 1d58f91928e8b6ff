package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server pings every pingIntervalMs and closes a client it has not heard from within the interval
 * plus the pong timeout. The silent client here is raw TCP: it upgrades, then never answers a ping.
 */
class PingPongTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_WEBSOCKET_PING_INTERVAL_MS", "150", "GATEWAY_WEBSOCKET_PONG_TIMEOUT_MS", "150");

  @Test
  void a_client_that_never_answers_pings_is_closed_and_one_that_does_stays() throws Exception {
    try (WsClient answering = gateway.ws(null)) {
      long[] closed = silentClientClosed(gateway);
      assertThat(closed[0]).isEqualTo(1000);
      assertThat(closed[1]).as("ms from the first ping to the close").isLessThan(5_000);

      // the client whose Vert.x stack answers pings is still served
      assertThat(answering.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
      assertThat(answering.isClosed()).isFalse();
    }
  }

  /**
   * A raw client upgrades on {@code gateway}, then reads and never answers: the close code it got and
   * the ms from its first ping to the close.
   */
  static long[] silentClientClosed(GatewayExtension gateway) throws Exception {
    CompletableFuture<Void> pinged = new CompletableFuture<>();
    CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    NetSocket silent = WsClient.await(gateway.clients().createNetClient().connect(gateway.port(), "127.0.0.1"));
    try {
      Buffer head = Buffer.buffer();
      Buffer frames = Buffer.buffer();
      boolean[] upgraded = {false};
      silent.handler(chunk -> {
        if (upgraded[0]) {
          frames.appendBuffer(chunk);
        } else {
          head.appendBuffer(chunk);
          String text = head.toString(StandardCharsets.ISO_8859_1);
          int end = text.indexOf("\r\n\r\n");
          if (end < 0) {
            return;
          }
          if (!text.startsWith("HTTP/1.1 101")) {
            // thrown in a handler it would be swallowed, and the test would only time out waiting for a ping
            pinged.completeExceptionally(new AssertionError("the upgrade was answered: " + text.substring(0, end)));
            return;
          }
          upgraded[0] = true;
          frames.appendBuffer(head.getBuffer(end + 4, head.length()));
        }
        scanFrames(frames, pinged, closeCode);
      });
      silent.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");

      // the first ping is due within one interval; a failure here says what the client had seen
      long sent = System.currentTimeMillis();
      try {
        WsClient.await(pinged);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("no ping after " + (System.currentTimeMillis() - sent) + " ms; upgraded: " + upgraded[0]
            + ", bytes read before the upgrade's end: " + head.length() + ", after it: " + frames.length(), e);
      }
      long start = System.currentTimeMillis();
      int code = WsClient.await(closeCode);
      return new long[] {code, System.currentTimeMillis() - start};
    } finally {
      silent.close();
    }
  }

  /** Reads server frames (unmasked, short payloads): 0x89 ping, 0x88 close with a 2-byte code. */
  static void scanFrames(Buffer b, CompletableFuture<Void> pinged, CompletableFuture<Integer> closeCode) {
    int pos = 0;
    while (b.length() - pos >= 2) {
      int opcode = b.getByte(pos) & 0x0f;
      int len = b.getByte(pos + 1) & 0x7f;
      if (len > 125 || b.length() - pos < 2 + len) {
        return;
      }
      if (opcode == 0x9) {
        pinged.complete(null);
      } else if (opcode == 0x8 && len >= 2) {
        closeCode.complete(b.getUnsignedShort(pos + 2));
      }
      pos += 2 + len;
    }
  }
}
