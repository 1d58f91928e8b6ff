package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.HistoryConfig;
import io.rtgw.protocol.config.PresenceConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configurations shipped in conf/ load and pass the cross-section checks. */
class ConfigurationFilesTest {

  private static GatewayConfig load(String file) {
    // tests run in deploy/, conf/ is beside it
    GatewayConfig config = ConfigLoader.load("../conf/" + file, Map.of());
    Gateway.validate(config);
    return config;
  }

  @Test
  void standalone_keeps_history_in_memory_with_one_instance() {
    GatewayConfig config = load("standalone.json");
    assertThat(config.history().store()).isEqualTo(HistoryConfig.MEMORY);
    assertThat(config.roles().history().instances()).isEqualTo(1);
  }

  @Test
  void standalone_keeps_presence_in_memory_with_one_instance() {
    GatewayConfig config = load("standalone.json");
    assertThat(config.presence().store()).isEqualTo(PresenceConfig.MEMORY);
    assertThat(config.roles().presence().instances()).isEqualTo(1);
  }

  @Test
  void the_redis_core_runs_history_presence_and_fanout_on_redis_without_a_connection_tier() {
    GatewayConfig config = load("core-redis.json");
    assertThat(config.history().store()).isEqualTo(HistoryConfig.REDIS);
    assertThat(config.roles().history().instances()).isGreaterThan(1);
    assertThat(config.presence().store()).isEqualTo(PresenceConfig.REDIS);
    assertThat(config.roles().presence().enabled()).isTrue();
    assertThat(config.roles().presence().instances()).isGreaterThan(1);
    assertThat(config.roles().connection().enabled()).isFalse();
    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.redis().commandTimeoutMs()).isLessThan(config.delivery().requestTimeoutMs());
    assertThat(config.namespaces()).containsKeys("chat", "user", "default");
  }
}
