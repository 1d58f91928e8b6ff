package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * realtime.js honours the control API's disconnect: under node's built-in WebSocket (no browser, no npm
 * package), src/test/node/realtime-disconnect.mjs loads the file the gateway serves and calls
 * {@code POST /control} itself; "reconnect":true brings the client back, "reconnect":false stops it,
 * over WebSocket (the disconnect frame) and SSE (its disconnect event).
 */
class RealtimeDisconnectTest {

  static final String API_KEY = "realtime-disconnect-key-0123456789";

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_EVENTS_ENABLED", "true",
      "GATEWAY_EVENTS_BATCH_MS", "20",
      "GATEWAY_CONTROL_ENABLED", "true",
      "GATEWAY_AUTH_API_KEYS", API_KEY);

  @Test
  void over_websocket_a_disconnect_with_reconnect_true_is_a_drop_and_with_reconnect_false_the_end() throws Exception {
    run("websocket");
  }

  @Test
  void over_sse_a_disconnect_event_is_honoured_the_same_way() throws Exception {
    run("sse");
  }

  private static void run(String transport) throws Exception {
    NodeScripts.Result r = NodeScripts.run(Path.of("src", "test", "node"), List.of("--experimental-websocket",
        "realtime-disconnect.mjs", String.valueOf(gateway.port()), API_KEY, transport), 90);
    assertThat(r.exitCode()).as("node exit; output:%n%s", r.output()).isZero();
    assertThat(r.output()).contains("ok realtime-disconnect " + transport);
  }
}
