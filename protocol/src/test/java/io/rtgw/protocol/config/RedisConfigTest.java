package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.protocol.Json;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisConfigTest {

  @Test
  void an_absent_section_means_every_default() {
    RedisConfig redis = GatewayConfig.defaults().redis();
    assertThat(redis).isEqualTo(new RedisConfig(RedisConfig.DEFAULT_ENDPOINT, RedisConfig.DEFAULT_MAX_WAITING_HANDLERS,
        RedisConfig.DEFAULT_COMMAND_TIMEOUT_MS, RedisConfig.DEFAULT_KEY_PREFIX));
    assertThat(redis.commandTimeoutMs()).isLessThan(DeliveryConfig.DEFAULT_REQUEST_TIMEOUT_MS);
  }

  @Test
  void environment_names_follow_the_path() {
    ObjectNode tree = Json.MAPPER.valueToTree(GatewayConfig.defaults());
    ConfigLoader.applyEnv(tree, ConfigLoader.ENV_PREFIX, Map.of(
        "GATEWAY_REDIS_ENDPOINT", "redis://10.0.0.7:6380/2",
        "GATEWAY_REDIS_COMMAND_TIMEOUT_MS", "750",
        "GATEWAY_REDIS_KEY_PREFIX", "eu1:"));
    RedisConfig redis = ConfigLoader.bind(tree, "test").redis();
    assertThat(redis.endpoint()).isEqualTo("redis://10.0.0.7:6380/2");
    assertThat(redis.commandTimeoutMs()).isEqualTo(750);
    assertThat(redis.keyPrefix()).isEqualTo("eu1:");
  }

  @Test
  void bad_values_are_refused_with_a_sentence() {
    assertThatThrownBy(() -> bind(new JsonObject().put("keyPrefix", "a{b}:")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.keyPrefix may not contain");
    assertThatThrownBy(() -> bind(new JsonObject().put("endpoint", "127.0.0.1:6379")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.endpoint must be a redis://");
    assertThatThrownBy(() -> bind(new JsonObject().put("commandTimeoutMs", 0)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("redis.commandTimeoutMs must be between");
    assertThatThrownBy(() -> bind(new JsonObject().put("maxPoolSize", 4)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Unknown setting 'redis.maxPoolSize'");
  }

  private static GatewayConfig bind(JsonObject redis) {
    return GatewayConfig.fromJson(new JsonObject().put("redis", redis));
  }
}
