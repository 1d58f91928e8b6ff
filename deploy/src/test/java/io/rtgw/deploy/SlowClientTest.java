package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that hold a socket without finishing anything: one that says nothing, a body that never ends.
 * Each is cut off at its deadline, and the gateway keeps serving. The timings are shortened here (the
 * idle timeout must outlast a held poll and the keep-alives, so those are shortened too).
 */
class SlowClientTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_HTTP_IDLE_TIMEOUT_MS", "1500", "GATEWAY_HTTP_BODY_TIMEOUT_MS", "800",
      "GATEWAY_POLL_TIMEOUT_MS", "500", "GATEWAY_POLL_MAX_TIMEOUT_MS", "500",
      "GATEWAY_WEBSOCKET_PING_INTERVAL_MS", "400", "GATEWAY_SSE_KEEP_ALIVE_MS", "400");

  @Test
  void a_socket_that_says_nothing_is_closed_at_the_idle_timeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      long started = System.nanoTime();
      assertThat(readUntilClosed(s)).isEmpty();
      assertThat((System.nanoTime() - started) / 1_000_000).isBetween(1_000L, 9_000L);
    }
  }

  @Test
  void a_body_that_never_ends_is_refused_at_the_body_deadline_and_its_connection_closed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
          + "{\"channel\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long started = System.nanoTime();
      String reply = readUntilClosed(s);
      assertThat(reply).startsWith("HTTP/1.1 400");
      assertThat(reply).contains("\"code\":\"bad_request\"").contains("did not arrive within 800 ms");
      assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(9_000L);
    }
  }

  @Test
  void healthy_connections_outlive_the_idle_timeout() {
    try (WsClient ws = gateway.ws(null)) {
      assertThat(ws.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
      // the server's pings keep it busy: still open well past the idle timeout
      io.rtgw.testkit.Eventually.eventually(java.time.Duration.ofSeconds(10), () -> {
        assertThat(ws.isClosed()).isFalse();
        assertThat(ws.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
        assertThat(System.nanoTime()).isGreaterThan(OPENED + 3_000_000_000L);
      });
    }
  }

  private static final long OPENED = System.nanoTime();

  /** Everything until the server closes; fails the test if it does not within 10 s. */
  private static String readUntilClosed(Socket s) throws Exception {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[4096];
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        sb.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within 10 s; read: " + sb);
    } catch (java.net.SocketException e) {
      // reset by the server: closed all the same
    }
    return sb.toString();
  }
}
