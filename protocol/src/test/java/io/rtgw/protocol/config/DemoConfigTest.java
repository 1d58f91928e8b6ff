package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.protocol.Json;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoConfigTest {

  @Test
  void development_tokens_live_ten_minutes_unless_configured() {
    assertThat(GatewayConfig.defaults().demo().tokenTtlSeconds()).isEqualTo(600);
    ObjectNode tree = Json.MAPPER.valueToTree(GatewayConfig.defaults());
    ConfigLoader.applyEnv(tree, ConfigLoader.ENV_PREFIX, Map.of("GATEWAY_DEMO_TOKEN_TTL_SECONDS", "30"));
    assertThat(ConfigLoader.bind(tree, "test").demo().tokenTtlSeconds()).isEqualTo(30);
  }

  @Test
  void a_lifetime_out_of_range_is_refused_with_a_sentence() {
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("demo", new JsonObject().put("tokenTtlSeconds", 1))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("demo.tokenTtlSeconds must be between 5 and 86400, not 1.");
  }
}
