package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private String file(String json) throws IOException {
    Path p = dir.resolve("gateway.json");
    Files.writeString(p, json);
    return p.toString();
  }

  @Test
  void unset_settings_take_their_defaults() throws IOException {
    GatewayConfig c = ConfigLoader.load(file("{}"), Map.of());
    assertThat(c.http().port()).isEqualTo(HttpConfig.DEFAULT_PORT);
    assertThat(c.websocket().pingIntervalMs()).isEqualTo(WebSocketConfig.DEFAULT_PING_INTERVAL_MS);
    assertThat(c.identity().allowUserParam()).isFalse();
    assertThat(c.http().allowedOrigins()).isEmpty();
    assertThat(c.namespaces()).containsKey("default");
    assertThat(c.history().store()).isEqualTo("memory");
  }

  @Test
  void every_setting_is_overridden_by_its_environment_variable() throws IOException {
    GatewayConfig c = ConfigLoader.load(file("{\"namespaces\":{\"chat\":{\"historySize\":5}}}"), Map.of(
        "GATEWAY_HTTP_PORT", "9090",
        "GATEWAY_WEBSOCKET_PING_INTERVAL_MS", "1000",
        "GATEWAY_IDENTITY_ALLOW_USER_PARAM", "true",
        "GATEWAY_NAMESPACES_CHAT_HISTORY_SIZE", "7",
        "GATEWAY_HTTP_ALLOWED_ORIGINS", "https://a.example, https://b.example",
        "GATEWAY_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2:5701"));
    assertThat(c.http().port()).isEqualTo(9090);
    assertThat(c.websocket().pingIntervalMs()).isEqualTo(1000);
    assertThat(c.identity().allowUserParam()).isTrue();
    assertThat(c.namespaces().get("chat").historySize()).isEqualTo(7);
    assertThat(c.http().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
    assertThat(c.cluster().members()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
  }

  @Test
  void the_standalone_configuration_has_the_protocol_namespaces() {
    GatewayConfig c = ConfigLoader.load("../conf/standalone.json", Map.of());
    assertThat(c.namespaces().keySet()).contains("chat", "news", "feed", "user", "default");
    assertThat(c.namespaces().get("chat").presence()).isTrue();
    assertThat(c.namespaces().get("chat").historySize()).isEqualTo(1000);
    assertThat(c.namespaces().get("chat").historyAgeSeconds()).isEqualTo(86_400);
    assertThat(c.namespaces().get("news").presence()).isFalse();
    assertThat(c.namespaces().get("news").historyAgeSeconds()).isEqualTo(3600);
    assertThat(c.namespaces().get("default").historySize()).isEqualTo(100);
    assertThat(c.namespaces().get("default").historyAgeSeconds()).isEqualTo(600);
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.identity().allowUserParam()).isTrue();
  }

  @Test
  void a_config_survives_the_trip_through_deployment_json() {
    GatewayConfig c = ConfigLoader.load("../conf/standalone.json", Map.of("GATEWAY_HTTP_PORT", "0"));
    assertThat(GatewayConfig.fromJson(c.toJson())).isEqualTo(c);
  }

  @Test
  void bad_configurations_are_refused_with_one_clear_sentence() throws IOException {
    assertRefused(file("{\"http\":{\"prot\":1}}"), Map.of(), "Unknown setting 'http.prot'");
    assertRefused(file("{\"http\":{\"corsOrigins\":[\"*\"]}}"), Map.of(),
        "The setting 'http.corsOrigins' in ");
    assertRefused(file("{\"auth\":{\"jwt\":{\"hmacSecrets\":[\"short\"]}}}"), Map.of(),
        "auth.jwt.hmacSecrets: each secret must be at least 32 bytes");
    assertRefused(file("{\"auth\":{\"apiKeys\":[\"short\"]}}"), Map.of(),
        "auth.apiKeys: each key must be at least 24 characters");
    assertRefused(file("{\"http\":{\"port\":\"eighty\"}}"), Map.of(), "'http.port'");
    assertRefused(file("{\"http\":{\"port\":70000}}"), Map.of(), "http.port must be between 0 and 65535");
    assertRefused(file("{\"http\": {"), Map.of(), "is not valid JSON (line");
    assertRefused(file("[]"), Map.of(), "must be a JSON object");
    assertRefused(dir.resolve("missing.json").toString(), Map.of(), "does not exist");
    assertRefused(file("{}"), Map.of("GATEWAY_HTTP_PORT", "x"), "GATEWAY_HTTP_PORT must be a number");
    assertRefused(file("{}"), Map.of("GATEWAY_IDENTITY_ALLOW_USER_PARAM", "yes"), "must be true or false");
    assertRefused(file("{\"history\":{\"store\":\"mongo\"}}"), Map.of(), "history.store must be");
  }

  @Test
  void the_connection_tier_runs_one_instance_per_core_unless_told() throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    RolesConfig omitted = ConfigLoader.load(file("{\"roles\":{\"connection\":{},\"fanout\":{}}}"), Map.of()).roles();
    assertThat(omitted.connection().instances()).isEqualTo(cores);
    assertThat(omitted.fanout().instances()).as("the other tiers: one").isEqualTo(1);
    assertThat(ConfigLoader.load(file("{}"), Map.of()).roles().connection().instances()).isEqualTo(cores);
    assertThat(ConfigLoader.load(file("{}"), Map.of("GATEWAY_ROLES_CONNECTION_INSTANCES", "3")).roles().connection()
        .instances()).isEqualTo(3);
    assertRefused(file("{\"roles\":{\"connection\":{\"instances\":0}}}"), Map.of(), "roles.*.instances");
  }

  @Test
  void a_process_has_one_event_loop_per_core_or_per_connection_instance_unless_told() throws IOException {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(ConfigLoader.load(file("{}"), Map.of()).roles().eventLoopCount()).as("not Vert.x's 2 x cores")
        .isEqualTo(cores);
    assertThat(ConfigLoader.load(file("{}"), Map.of("GATEWAY_ROLES_CONNECTION_INSTANCES", String.valueOf(cores + 3)))
        .roles().eventLoopCount()).as("a loop per connection instance").isEqualTo(cores + 3);
    assertThat(ConfigLoader.load(file("{\"roles\":{\"fanout\":{}}}"), Map.of()).roles().eventLoopCount())
        .as("no connection tier").isEqualTo(cores);
    assertThat(ConfigLoader.load(file("{}"), Map.of("GATEWAY_ROLES_EVENT_LOOPS", "5")).roles().eventLoopCount())
        .isEqualTo(5);
    assertThat(ConfigLoader.load(file("{\"roles\":{\"connection\":{\"instances\":4},\"eventLoops\":1}}"), Map.of())
        .roles().eventLoopCount()).as("fewer loops than instances: they share").isEqualTo(1);
    assertRefused(file("{}"), Map.of("GATEWAY_ROLES_EVENT_LOOPS", "0"), "roles.eventLoops must be between 1 and 1024");
  }

  @Test
  void a_roles_section_runs_the_roles_it_names_and_no_other() throws IOException {
    RolesConfig r = ConfigLoader.load(file("{\"roles\":{\"connection\":{\"instances\":2}}}"), Map.of()).roles();
    assertThat(r.connection().enabled()).isTrue();
    assertThat(r.connection().instances()).isEqualTo(2);
    assertThat(r.fanout().enabled()).isFalse();
    assertThat(r.history().enabled()).isFalse();
    assertThat(r.presence().enabled()).isFalse();
    // an override still turns one on
    assertThat(ConfigLoader.load(file("{\"roles\":{\"connection\":{}}}"), Map.of("GATEWAY_ROLES_FANOUT_ENABLED", "true"))
        .roles().fanout().enabled()).isTrue();
  }

  @Test
  void without_a_roles_section_every_role_runs() throws IOException {
    RolesConfig r = ConfigLoader.load(file("{}"), Map.of()).roles();
    assertThat(List.of(r.connection(), r.fanout(), r.history(), r.presence())).allMatch(RoleConfig::enabled);
  }

  @Test
  void a_gateway_variable_that_names_no_setting_is_refused_with_the_closest_name() throws IOException {
    assertRefused(file("{}"), Map.of("GATEWAY_HTTP_PROT", "9090"),
        "The environment variable GATEWAY_HTTP_PROT names no setting");
    assertRefused(file("{}"), Map.of("GATEWAY_HTTP_PROT", "9090"), "the closest is GATEWAY_HTTP_PORT");
    // a namespace exists only if the file names it, so its variables do too
    assertRefused(file("{}"), Map.of("GATEWAY_NAMESPACES_CHAT_HISTORY_SIZE", "5"), "names no setting");
    assertThat(ConfigLoader.load(file("{}"), Map.of("GATEWAYS_UNRELATED", "x", "OTHER_HTTP_PROT", "1")).http().port())
        .isEqualTo(HttpConfig.DEFAULT_PORT);
  }

  private static void assertRefused(String path, Map<String, String> env, String sentencePart) {
    assertThatThrownBy(() -> ConfigLoader.load(path, env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(sentencePart)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception"));
  }
}
