package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.protocol.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The rules that span configuration sections: several instances of a tier need a shared store. */
class GatewayValidateTest {

  @Test
  void several_presence_instances_need_the_redis_store() {
    assertThatThrownBy(() -> Gateway.validate(TestGateways.standalone("GATEWAY_ROLES_PRESENCE_INSTANCES", "2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("presence.store \"memory\" allows one presence instance");
    assertThatCode(() -> Gateway.validate(TestGateways.standalone("GATEWAY_ROLES_PRESENCE_INSTANCES", "2",
        "GATEWAY_PRESENCE_STORE", "redis"))).doesNotThrowAnyException();
  }

  @Test
  void several_history_instances_need_the_redis_store() {
    assertThatThrownBy(() -> Gateway.validate(TestGateways.standalone("GATEWAY_ROLES_HISTORY_INSTANCES", "2")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("history.store \"memory\" allows one history instance");
    assertThatCode(() -> Gateway.validate(TestGateways.standalone("GATEWAY_ROLES_HISTORY_INSTANCES", "2",
        "GATEWAY_HISTORY_STORE", "redis"))).doesNotThrowAnyException();
  }

  @Test
  void a_clustered_memory_store_is_refused_unless_the_process_says_it_is_the_only_state_member() {
    assertThatThrownBy(() -> Gateway.validate(TestGateways.standalone("GATEWAY_CLUSTER_ENABLED", "true")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("A clustered history tier cannot use history.store \"memory\"");
    assertThatThrownBy(() -> Gateway.validate(TestGateways.standalone("GATEWAY_CLUSTER_ENABLED", "true",
        "GATEWAY_HISTORY_STORE", "redis")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("A clustered presence tier cannot use presence.store \"memory\"");
    assertThatCode(() -> Gateway.validate(TestGateways.standalone("GATEWAY_CLUSTER_ENABLED", "true",
        "GATEWAY_HISTORY_STORE", "redis", "GATEWAY_PRESENCE_STORE", "redis"))).doesNotThrowAnyException();
    assertThatCode(() -> Gateway.validate(TestGateways.standalone("GATEWAY_CLUSTER_ENABLED", "true",
        "GATEWAY_ROLES_HISTORY_ENABLED", "false", "GATEWAY_ROLES_PRESENCE_ENABLED", "false")))
        .doesNotThrowAnyException();
    assertThatCode(() -> Gateway.validate(TestGateways.standalone("GATEWAY_CLUSTER_ENABLED", "true",
        "GATEWAY_CLUSTER_SINGLE_STATE_MEMBER", "true"))).doesNotThrowAnyException();
  }
}
