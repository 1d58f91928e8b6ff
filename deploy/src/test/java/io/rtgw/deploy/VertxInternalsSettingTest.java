package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import org.junit.jupiter.api.Test;

/**
 * {@code http.vertxInternals} reaches the connection tier: on by default (the self-check passes on the
 * Vert.x this is built with), off in the deploy pom's second run of the transport suites, so those runs
 * really do prove the gateway works on public APIs alone.
 */
class VertxInternalsSettingTest {

  @Test
  void health_reports_whether_the_vertx_internals_are_in_use_as_configured() {
    boolean expected = !"false".equals(System.getProperty(TestGateways.VERTX_INTERNALS_PROPERTY));
    Gateway gateway = TestGateways.start();
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      assertThat(http.get("/health").json().getBoolean("vertxInternals")).isEqualTo(expected);
    } finally {
      WsClient.await(gateway.stop());
    }
  }

  @Test
  void the_setting_turned_off_is_honoured_even_where_the_self_check_would_pass() {
    Gateway gateway = TestGateways.start("GATEWAY_HTTP_VERTX_INTERNALS", "false");
    try (HttpCalls http = new HttpCalls(gateway.httpPort())) {
      assertThat(http.get("/health").json().getBoolean("vertxInternals")).isFalse();
    } finally {
      WsClient.await(gateway.stop());
    }
  }
}
