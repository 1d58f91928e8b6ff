package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsConfigTest {

  @TempDir
  Path dir;

  @Test
  void tls_and_h2c_are_off_by_default() {
    HttpConfig http = GatewayConfig.defaults().http();
    assertThat(http.tls().enabled()).isFalse();
    assertThat(http.h2c()).isFalse();
  }

  @Test
  void environment_names_follow_the_path_and_a_blank_path_turns_tls_off() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "not parsed here");
    Path key = Files.writeString(dir.resolve("key.pem"), "not parsed here");
    HttpConfig http = fromEnv(Map.of("GATEWAY_HTTP_TLS_CERT_PATH", cert.toString(),
        "GATEWAY_HTTP_TLS_KEY_PATH", key.toString(), "GATEWAY_HTTP_H2C", "true"));
    assertThat(http.tls().enabled()).isTrue();
    assertThat(http.tls().certPath()).isEqualTo(cert.toString());
    assertThat(http.tls().keyPath()).isEqualTo(key.toString());
    assertThat(http.h2c()).isTrue();
    assertThat(fromEnv(Map.of("GATEWAY_HTTP_TLS_CERT_PATH", "", "GATEWAY_HTTP_TLS_KEY_PATH", " ")).tls().enabled())
        .isFalse();
  }

  @Test
  void a_missing_file_or_half_a_pair_is_refused_with_one_sentence() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    String missing = dir.resolve("nope.pem").toString();
    assertThatThrownBy(() -> fromEnv(Map.of("GATEWAY_HTTP_TLS_CERT_PATH", cert.toString(),
        "GATEWAY_HTTP_TLS_KEY_PATH", missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessage("http.tls.keyPath names " + missing + ", which does not exist or cannot be read.");
    assertThatThrownBy(() -> fromEnv(Map.of("GATEWAY_HTTP_TLS_CERT_PATH", cert.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("http.tls needs both certPath and keyPath (PEM files), or neither for plain HTTP.");
  }

  private static HttpConfig fromEnv(Map<String, String> env) {
    ObjectNode tree = Json.MAPPER.valueToTree(GatewayConfig.defaults());
    ConfigLoader.applyEnv(tree, ConfigLoader.ENV_PREFIX, env);
    return ConfigLoader.bind(tree, "test").http();
  }
}
