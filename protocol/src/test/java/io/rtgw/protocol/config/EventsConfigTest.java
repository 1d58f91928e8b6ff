package io.rtgw.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.protocol.Json;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventsConfigTest {

  @Test
  void events_and_control_are_off_by_default() {
    GatewayConfig c = GatewayConfig.defaults();
    assertThat(c.events().enabled()).isFalse();
    assertThat(c.events().namespaces()).isEmpty();
    assertThat(c.events().url()).isNull();
    assertThat(c.events().batchMs()).isEqualTo(200);
    assertThat(c.events().maxBatch()).isEqualTo(500);
    assertThat(c.events().vacateGrace()).as("two batches and half a second").isEqualTo(900);
    assertThat(c.control().enabled()).isFalse();
    assertThat(c.control().timeoutMs()).isEqualTo(2000);
  }

  @Test
  void every_setting_follows_its_environment_variable() {
    ObjectNode tree = Json.MAPPER.valueToTree(GatewayConfig.defaults());
    ConfigLoader.applyEnv(tree, ConfigLoader.ENV_PREFIX, Map.of("GATEWAY_EVENTS_ENABLED", "true",
        "GATEWAY_EVENTS_NAMESPACES", "chat, news", "GATEWAY_EVENTS_URL", "http://app:9000/events",
        "GATEWAY_EVENTS_BATCH_MS", "50", "GATEWAY_EVENTS_MAX_BATCH", "10", "GATEWAY_EVENTS_VACATE_GRACE_MS", "0", "GATEWAY_CONTROL_ENABLED", "true",
        "GATEWAY_CONTROL_TIMEOUT_MS", "500"));
    GatewayConfig c = ConfigLoader.bind(tree, "test");
    assertThat(c.events().namespaces()).containsExactly("chat", "news");
    assertThat(c.events().covers("chat")).isTrue();
    assertThat(c.events().covers("feed")).isFalse();
    assertThat(c.events().url()).isEqualTo("http://app:9000/events");
    assertThat(c.events().batchMs()).isEqualTo(50);
    assertThat(c.events().maxBatch()).isEqualTo(10);
    assertThat(c.events().vacateGrace()).isZero();
    assertThat(c.control().enabled()).isTrue();
    assertThat(c.control().timeoutMs()).isEqualTo(500);
  }

  @Test
  void the_vacate_grace_follows_the_batch_unless_set() {
    ObjectNode tree = Json.MAPPER.valueToTree(GatewayConfig.defaults());
    ConfigLoader.applyEnv(tree, ConfigLoader.ENV_PREFIX, Map.of("GATEWAY_EVENTS_BATCH_MS", "1000"));
    assertThat(ConfigLoader.bind(tree, "test").events().vacateGrace()).isEqualTo(2500);
    assertThat(new EventsConfig(true, null, null, 50L, null, null).vacateGrace()).isEqualTo(600);
    assertThat(new EventsConfig(true, null, null, 50L, null, 2000L).vacateGrace()).isEqualTo(2000);
  }

  @Test
  void no_namespaces_means_every_namespace_and_nothing_is_covered_while_off() {
    assertThat(new EventsConfig(true, List.of(), null, null, null, null).covers("anything")).isTrue();
    assertThat(new EventsConfig(false, List.of(), null, null, null, null).covers("anything")).isFalse();
  }

  @Test
  void misconfigurations_are_refused_with_a_sentence() {
    assertThatThrownBy(() -> GatewayConfig.fromJson(new JsonObject().put("control", new JsonObject().put("enabled", true))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("control.enabled needs events.enabled: the control API finds connections through the connection "
            + "registry that lifecycle events keep.");
    assertThatThrownBy(() -> new EventsConfig(true, null, "ftp://x", null, null, null))
        .hasMessage("events.url must be an http:// or https:// URL, not \"ftp://x\".");
    assertThatThrownBy(() -> new EventsConfig(true, null, null, 0L, null, null))
        .hasMessage("events.batchMs must be between 1 and 60000, not 0.");
    assertThatThrownBy(() -> new EventsConfig(true, null, null, null, 0, null))
        .hasMessage("events.maxBatch must be between 1 and 100000, not 0.");
    assertThatThrownBy(() -> new EventsConfig(true, null, null, null, null, -1L))
        .hasMessage("events.vacateGraceMs must be between 0 and 600000, not -1.");
    assertThatThrownBy(() -> new ControlConfig(true, 10L))
        .hasMessage("control.timeoutMs must be between 50 and 60000, not 10.");
  }
}
