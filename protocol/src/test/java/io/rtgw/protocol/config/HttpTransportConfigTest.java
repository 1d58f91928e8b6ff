package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpTransportConfigTest {

  @Test
  void defaults_follow_the_protocol() {
    GatewayConfig c = GatewayConfig.defaults();
    assertThat(c.sse().keepAliveMs()).isEqualTo(15_000);
    assertThat(c.poll().timeoutMs()).isEqualTo(25_000);
    assertThat(c.poll().maxTimeoutMs()).isEqualTo(60_000);
    assertThat(c.http().allowedOrigins()).isEmpty();
  }

  @Test
  void the_standalone_file_allows_any_origin_and_env_overrides_apply() {
    GatewayConfig c = ConfigLoader.load("../conf/standalone.json", Map.of(
        "GATEWAY_SSE_KEEP_ALIVE_MS", "200",
        "GATEWAY_SSE_QUEUE_BYTES", "4096",
        "GATEWAY_POLL_TIMEOUT_MS", "1000",
        "GATEWAY_POLL_MAX_MESSAGES", "50"));
    assertThat(c.http().allowedOrigins()).containsExactly("*");
    assertThat(c.sse().keepAliveMs()).isEqualTo(200);
    assertThat(c.sse().queueBytes()).isEqualTo(4096);
    assertThat(c.poll().timeoutMs()).isEqualTo(1000);
    assertThat(c.poll().maxMessages()).isEqualTo(50);
  }

  @Test
  void out_of_range_settings_are_refused_with_a_sentence() {
    assertThatThrownBy(() -> new PollConfig(null, 120_000L, null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("poll.maxTimeoutMs");
    assertThatThrownBy(() -> new PollConfig(30_000L, 20_000L, null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("poll.timeoutMs");
    assertThatThrownBy(() -> new SseConfig(0L, null, null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sse.keepAliveMs");
  }

  @Test
  void the_slow_consumer_close_timeout_has_a_default_an_override_and_a_range() {
    assertThat(GatewayConfig.defaults().websocket().closeTimeoutMs()).isEqualTo(2_000);
    GatewayConfig c = ConfigLoader.load("../conf/standalone.json", Map.of("GATEWAY_WEBSOCKET_CLOSE_TIMEOUT_MS", "750"));
    assertThat(c.websocket().closeTimeoutMs()).isEqualTo(750);
    assertThatThrownBy(() -> new WebSocketConfig(null, null, null, null, null, null, 5L))
        .isInstanceOf(ConfigException.class).hasMessageContaining("websocket.closeTimeoutMs");
  }
}
