package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.HistoryConfig;
import io.rtgw.protocol.config.PresenceConfig;
import io.rtgw.protocol.config.RoleConfig;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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
  void standalone_runs_one_connection_instance_per_core() {
    GatewayConfig config = load("standalone.json");
    assertThat(config.roles().connection().instances()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void standalone_keeps_presence_in_memory_with_one_instance() {
    GatewayConfig config = load("standalone.json");
    assertThat(config.presence().store()).isEqualTo(PresenceConfig.MEMORY);
    assertThat(config.roles().presence().instances()).isEqualTo(1);
  }

  /** One row per role file: the roles it runs, with their instance counts. */
  static Stream<Arguments> roleFiles() {
    return Stream.of(
        // the connection tier's count is left out: one instance per core
        Arguments.of("connection.json", Map.of("connection", io.rtgw.protocol.config.RolesConfig.defaultConnectionInstances())),
        Arguments.of("fanout.json", Map.of("fanout", 2)),
        Arguments.of("history.json", Map.of("history", 2)),
        Arguments.of("presence.json", Map.of("presence", 2)),
        Arguments.of("core.json", Map.of("fanout", 2, "history", 2, "presence", 2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roleFiles")
  void each_role_file_runs_its_roles_only_clustered_on_redis(String file, Map<String, Integer> expected) {
    GatewayConfig config = load(file);
    Map<String, RoleConfig> roles = Map.of("connection", config.roles().connection(), "fanout", config.roles().fanout(),
        "history", config.roles().history(), "presence", config.roles().presence());
    roles.forEach((name, role) -> {
      assertThat(role.enabled()).as(file + " runs " + name).isEqualTo(expected.containsKey(name));
      if (role.enabled()) {
        assertThat(role.instances()).as(file + " " + name + " instances").isEqualTo(expected.get(name));
      }
    });
    assertThat(config.cluster().enabled()).isTrue();
    assertThat(config.cluster().singleStateMember()).isFalse();
    assertThat(config.cluster().configFile()).isEqualTo("conf/cluster.xml");
    assertThat(config.history().store()).isEqualTo(HistoryConfig.REDIS);
    assertThat(config.presence().store()).isEqualTo(PresenceConfig.REDIS);
    assertThat(config.redis().commandTimeoutMs()).isLessThan(config.delivery().requestTimeoutMs());
    assertThat(config.demo().ticker()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roleFiles")
  void each_role_file_agrees_with_the_others_on_what_every_tier_reads(String file, Map<String, Integer> ignored) {
    // connection, fanout and history all read the namespaces; connection nodes and presence both read the
    // heartbeat: files that disagree make tiers disagree
    GatewayConfig reference = load("core.json");
    GatewayConfig config = load(file);
    assertThat(config.namespaces()).isEqualTo(load("standalone.json").namespaces());
    assertThat(config.delivery()).isEqualTo(reference.delivery());
    assertThat(config.presence()).isEqualTo(reference.presence());
    assertThat(config.history()).isEqualTo(reference.history());
    assertThat(config.redis()).isEqualTo(reference.redis());
    assertThat(config.cluster()).isEqualTo(reference.cluster());
  }

  @Test
  void the_connection_node_drains_longer_than_the_standalone_default() {
    assertThat(load("connection.json").http().drainMs()).isEqualTo(10_000);
    assertThat(load("connection.json").http().port()).isEqualTo(8080);
  }

  @Test
  void the_redis_core_runs_history_presence_and_fanout_on_redis_without_a_connection_tier() {
    GatewayConfig config = load("core.json");
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
