package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.protocol.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hook settings: off by default, their environment names, and the sentence a bad one gets. */
class HooksConfigTest {

  @Test
  void every_hook_is_off_by_default() {
    GatewayConfig config = GatewayConfig.defaults();
    assertThat(config.hooks().connect().on()).isFalse();
    assertThat(config.hooks().refresh().on()).isFalse();
    assertThat(config.hooks().rpc().on()).isFalse();
    assertThat(config.hooks().maxAnswerBytes()).isEqualTo(HooksConfig.DEFAULT_MAX_ANSWER_BYTES);
    assertThat(config.namespaces().get("default").hooks().subscribe().on()).isFalse();
    assertThat(config.namespaces().get("default").hooks().publish().on()).isFalse();
  }

  @Test
  void the_global_hooks_take_environment_overrides() {
    HooksConfig hooks = fromEnv(Map.of("GATEWAY_HOOKS_CONNECT_ADDRESS", "app.hooks.connect",
        "GATEWAY_HOOKS_CONNECT_TIMEOUT_MS", "250", "GATEWAY_HOOKS_CONNECT_ON_FAILURE", "ALLOW",
        "GATEWAY_HOOKS_CONNECT_HEADERS", "X-Forwarded-For, user-agent",
        "GATEWAY_HOOKS_RPC_URL", "http://127.0.0.1:9000/rpc", "GATEWAY_HOOKS_MAX_ANSWER_BYTES", "4096")).hooks();
    assertThat(hooks.connect().address()).isEqualTo("app.hooks.connect");
    assertThat(hooks.connect().timeoutMs()).isEqualTo(250);
    assertThat(hooks.connect().allowsOnFailure()).isTrue();
    assertThat(hooks.connect().headers()).isEqualTo(List.of("x-forwarded-for", "user-agent"));
    assertThat(hooks.rpc().url()).isEqualTo("http://127.0.0.1:9000/rpc");
    assertThat(hooks.rpc().allowsOnFailure()).isFalse();
    assertThat(hooks.maxAnswerBytes()).isEqualTo(4096);
  }

  @Test
  void a_namespace_hook_is_read_from_the_file() throws Exception {
    ObjectNode tree = Json.MAPPER.valueToTree(GatewayConfig.defaults());
    ((ObjectNode) tree.get("namespaces")).set("chat", Json.MAPPER.readTree(
        "{\"hooks\":{\"subscribe\":{\"address\":\"app.hooks.subscribe\",\"timeoutMs\":500},"
            + "\"publish\":{\"url\":\"https://app.example/publish\",\"onFailure\":\"allow\"}}}"));
    NamespaceHooksConfig hooks = ConfigLoader.bind(tree, "test").namespaces().get("chat").hooks();
    assertThat(hooks.subscribe().address()).isEqualTo("app.hooks.subscribe");
    assertThat(hooks.subscribe().timeoutMs()).isEqualTo(500);
    assertThat(hooks.publish().url()).isEqualTo("https://app.example/publish");
    assertThat(hooks.publish().timeoutMs()).isEqualTo(HookConfig.DEFAULT_TIMEOUT_MS);
  }

  @Test
  void a_namespace_hook_the_file_leaves_out_still_has_its_variable() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("rtgw-hooks", ".json");
    java.nio.file.Files.writeString(file, "{\"namespaces\":{\"chat\":{\"historySize\":5}}}");
    GatewayConfig c = ConfigLoader.load(file.toString(), Map.of(
        "GATEWAY_NAMESPACES_CHAT_HOOKS_PUBLISH_URL", "http://127.0.0.1:9000/publish",
        "GATEWAY_NAMESPACES_CHAT_HOOKS_PUBLISH_ON_FAILURE", "allow"));
    assertThat(c.namespaces().get("chat").hooks().publish().url()).isEqualTo("http://127.0.0.1:9000/publish");
    assertThat(c.namespaces().get("chat").hooks().publish().allowsOnFailure()).isTrue();
    assertThat(c.namespaces().get("chat").historySize()).isEqualTo(5);
    assertThat(c.namespaces().get("chat").hooks().subscribe().on()).isFalse();
  }

  @Test
  void a_bad_hook_is_refused_with_one_sentence() {
    assertThatThrownBy(() -> fromEnv(Map.of("GATEWAY_HOOKS_RPC_ADDRESS", "a", "GATEWAY_HOOKS_RPC_URL", "http://x/rpc")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("A hook has either an address (event bus) or a url (HTTP), not both: 'a' and 'http://x/rpc'.");
    assertThatThrownBy(() -> fromEnv(Map.of("GATEWAY_HOOKS_RPC_URL", "ftp://x/rpc")))
        .hasMessage("A hook's url must start with http:// or https://, not 'ftp://x/rpc'.");
    assertThatThrownBy(() -> fromEnv(Map.of("GATEWAY_HOOKS_RPC_ADDRESS", "a", "GATEWAY_HOOKS_RPC_ON_FAILURE", "maybe")))
        .hasMessage("A hook's onFailure must be refuse or allow, not 'maybe'.");
    assertThatThrownBy(() -> fromEnv(Map.of("GATEWAY_HOOKS_RPC_ADDRESS", "a", "GATEWAY_HOOKS_RPC_TIMEOUT_MS", "0")))
        .hasMessage("hooks.*.timeoutMs must be between 1 and 60000, not 0.");
    assertThatThrownBy(() -> fromEnv(Map.of("GATEWAY_HOOKS_REFRESH_ADDRESS", "app.hooks.refresh")))
        .hasMessage("hooks.refresh is set but hooks.connect is not: only connections whose identity came from the "
            + "connect hook are refreshed.");
  }

  private static GatewayConfig fromEnv(Map<String, String> env) {
    ObjectNode tree = Json.MAPPER.valueToTree(GatewayConfig.defaults());
    ConfigLoader.applyEnv(tree, ConfigLoader.ENV_PREFIX, env);
    return ConfigLoader.bind(tree, "test");
  }
}
