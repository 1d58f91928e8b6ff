package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code http.headerTimeoutMs}: a request whose headers trickle in a byte at a time, or never come, is
 * closed within the deadline, whatever the idle timeout; requests that arrive whole, WebSockets and event
 * streams live on past it.
 */
class HeaderDeadlineTest {

  private static final long DEADLINE_MS = 800;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_HTTP_HEADER_TIMEOUT_MS",
      String.valueOf(DEADLINE_MS));

  @Test
  void headers_sent_a_byte_at_a_time_are_cut_off_at_the_deadline() throws Exception {
    byte[] request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 0123456789012345678901234567890123456789\r\n\r\n"
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (RawSocket slow = new RawSocket(gateway.port())) {
      long start = System.currentTimeMillis();
      int sent = 0;
      // one byte every 50 ms: the idle timeout (120 s) never fires, 80 bytes would take 4 s
      while (sent < request.length && slow.write(new byte[] {request[sent]})) {
        sent++;
        if (slow.awaitClosed(50)) {
          break;
        }
      }
      boolean closed = slow.awaitClosed(DEADLINE_MS + 2_000);
      long took = System.currentTimeMillis() - start;
      assertThat(closed).as("closed by the server").isTrue();
      assertThat(sent).as("cut off before the headers were complete").isLessThan(request.length);
      assertThat(took).isBetween(DEADLINE_MS - 100, DEADLINE_MS + 1_500);
      assertThat(slow.received()).as("no answer for a request that never arrived").isEmpty();
    }
  }

  @Test
  void a_connection_that_sends_nothing_is_closed_at_the_deadline() {
    try (RawSocket silent = new RawSocket(gateway.port())) {
      long start = System.currentTimeMillis();
      assertThat(silent.awaitClosed(DEADLINE_MS + 2_000)).isTrue();
      assertThat(System.currentTimeMillis() - start).isBetween(DEADLINE_MS - 100, DEADLINE_MS + 1_500);
    }
  }

  @Test
  void a_kept_alive_connection_gets_a_new_deadline_after_each_response() {
    try (RawSocket client = new RawSocket(gateway.port())) {
      for (int i = 0; i < 3; i++) {
        assertThat(client.write("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n")).isTrue();
        assertThat(client.readFor(DEADLINE_MS / 2)).contains("HTTP/1.1 200");
      }
      // three requests took longer than one deadline, and none was cut off; idle now, it is closed
      assertThat(client.awaitClosed(DEADLINE_MS + 2_000)).isTrue();
    }
  }

  @Test
  void websockets_and_event_streams_outlive_the_deadline() throws Exception {
    WsClient ws = gateway.ws("user=alice");
    ws.await(f -> "connected".equals(f.getString("type")));
    SseClient sse = gateway.sse("/sse?channel=chat:deadline");
    sse.await(e -> e.type().equals("subscribed"));
    Thread.sleep(DEADLINE_MS * 2);
    assertThat(ws.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    HttpCalls.Reply published = gateway.http().post("/publish", new JsonObject().put("channel", "chat:deadline")
        .put("data", 1));
    assertThat(published.status()).isEqualTo(200);
    assertThat(sse.awaitMessages(1)).hasSize(1);
    assertThat(sse.hasEnded()).isFalse();
  }
}
