package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.protocol.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The security settings: their environment names, defaults and the sentence a bad value gets. */
class SecurityConfigTest {

  @Test
  void a_jwks_url_is_a_credential_source_with_bounded_refetches() {
    JwtConfig jwt = fromEnv(Map.of("GATEWAY_AUTH_JWT_JWKS_URL", "https://auth.example/.well-known/jwks.json",
        "GATEWAY_AUTH_JWT_JWKS_MIN_REFETCH_MS", "2000")).auth().jwt();
    assertThat(jwt.configured()).isTrue();
    assertThat(jwt.jwksUrl()).isEqualTo("https://auth.example/.well-known/jwks.json");
    assertThat(jwt.jwksMinRefetchMs()).isEqualTo(2000);
    assertThat(jwt.jwksRefreshMs()).isEqualTo(JwtConfig.DEFAULT_JWKS_REFRESH_MS);
    assertThat(GatewayConfig.defaults().auth().jwt().jwksUrl()).isNull();
  }

  @Test
  void a_jwks_url_that_is_not_http_is_refused_with_one_sentence() {
    assertThatThrownBy(() -> fromEnv(Map.of("GATEWAY_AUTH_JWT_JWKS_URL", "file:///etc/keys.json")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.jwt.jwksUrl must be an http:// or https:// URL with a host, not file:///etc/keys.json.");
    assertThatThrownBy(() -> fromEnv(Map.of("GATEWAY_AUTH_JWT_JWKS_URL", "http://x", "GATEWAY_AUTH_JWT_JWKS_MIN_REFETCH_MS",
        "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("auth.jwt.jwksMinRefetchMs must be between 10 and 3600000, not 0.");
  }

  private static GatewayConfig fromEnv(Map<String, String> env) {
    ObjectNode tree = Json.MAPPER.valueToTree(GatewayConfig.defaults());
    ConfigLoader.applyEnv(tree, ConfigLoader.ENV_PREFIX, env);
    return ConfigLoader.bind(tree, "test");
  }
}
