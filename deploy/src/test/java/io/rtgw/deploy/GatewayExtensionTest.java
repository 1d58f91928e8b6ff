package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test kit's gateway per class: what it hands out, and what it closes when. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayExtensionTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_NAMESPACES_NEWS_CLIENT_PUBLISH", "false");
  private static WsClient forTheClass;
  private static WsClient fromTheFirstTest;
  private static SseClient streamFromTheFirstTest;

  @BeforeAll
  static void connectForTheClass() {
    forTheClass = gateway.ws("user=kept");
  }

  @Test
  @Order(1)
  void the_gateway_runs_with_the_overrides_and_hands_out_connected_clients() {
    assertThat(gateway.config().namespaces().get("news").clientPublish()).isFalse();
    assertThat(gateway.http().get("/health").json().getString("status")).isEqualTo("UP");
    fromTheFirstTest = gateway.ws("user=first");
    assertThat(fromTheFirstTest.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    streamFromTheFirstTest = gateway.sse("/sse?channel=chat:ext");
    assertThat(streamFromTheFirstTest.status()).isEqualTo(200);
    assertThat(connections()).isEqualTo(2);
  }

  @Test
  @Order(2)
  void clients_from_a_test_are_closed_after_it_and_those_from_before_all_stay() {
    assertThat(fromTheFirstTest.awaitClose()).isEqualTo((short) 1000);
    streamFromTheFirstTest.awaitEnd();
    eventually(Duration.ofSeconds(10), () -> assertThat(connections()).isEqualTo(1));
    eventually(Duration.ofSeconds(10),
        () -> assertThat(gateway.http().get("/health").json().getInteger("sseStreams")).isZero());
    assertThat(forTheClass.isClosed()).isFalse();
    assertThat(forTheClass.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
  }

  @Test
  @Order(3)
  void a_standalone_gateway_has_no_redis() {
    assertThatThrownBy(gateway::redis).isInstanceOf(IllegalStateException.class).hasMessageContaining("withRedis");
  }

  @Nested
  class InANestedClass {

    @Test
    void the_gateway_is_the_enclosing_class_s() {
      assertThat(forTheClass.isClosed()).isFalse();
      try (WsClient c = gateway.ws(null)) {
        assertThat(c.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
      }
    }
  }

  private static int connections() {
    return gateway.http().get("/health").json().getInteger("connections");
  }
}
