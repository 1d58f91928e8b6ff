package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pong timeout longer than the ping interval (a setting an operator may well choose) still closes a
 * client that never answers: the deadline runs from its first unanswered ping. It did not before: each
 * turn pinged again and moved the deadline, so such a client was never closed.
 */
class PongTimeoutPastIntervalTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(
      "GATEWAY_WEBSOCKET_PING_INTERVAL_MS", "100", "GATEWAY_WEBSOCKET_PONG_TIMEOUT_MS", "400");

  @Test
  void a_silent_client_is_closed_about_one_pong_timeout_after_its_first_ping() throws Exception {
    long[] closed = PingPongTest.silentClientClosed(gateway);
    assertThat(closed[0]).isEqualTo(1000);
    // 400 ms and up to one turn (100 ms) after it; a loaded machine gets slack, a never-closing loop none
    assertThat(closed[1]).as("ms from the first ping to the close").isBetween(350L, 5_000L);
  }
}
