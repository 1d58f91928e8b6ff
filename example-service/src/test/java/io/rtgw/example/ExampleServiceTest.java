package io.rtgw.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.service.RtgwService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;

/**
 * The example's hooks answered over the bus of one local Vertx, asked as the gateway asks them
 * (hooks-spec.md's request bodies) on the addresses its README puts in the gateway's configuration.
 */
class ExampleServiceTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    await(new ExampleService(Set.of("root"), () -> 1_767_225_600_000L).register(RtgwService.create(vertx, "example")));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject ask(String address, JsonObject request) {
    return await(vertx.eventBus().<JsonObject>request(address, request)).body();
  }

  private static JsonObject connect(String user) {
    return new JsonObject().put("hook", "connect").put("transport", "ws").put("user", user).put("claims", null)
        .put("ip", "127.0.0.1").put("headers", new JsonObject()).put("client", "c1");
  }

  @Test
  void only_users_with_a_name_may_connect() {
    assertThat(ask(ExampleService.CONNECT, connect("ann"))).isEqualTo(new JsonObject().put("allow", true)
        .put("info", new JsonObject().put("admin", false)));
    assertThat(ask(ExampleService.CONNECT, connect("root")).getJsonObject("info").getBoolean("admin")).isTrue();
    for (String nameless : new String[] {null, " "}) {
      assertThat(ask(ExampleService.CONNECT, connect(nameless))).isEqualTo(new JsonObject().put("allow", false)
          .put("code", "unauthorized").put("message", "This application needs a user name to connect."));
    }
  }

  @Test
  void chat_secret_is_for_admins_only() {
    JsonObject secret = new JsonObject().put("hook", "subscribe").put("client", "c1").put("channel", "chat:secret").put("transport", "sse");
    assertThat(ask(ExampleService.SUBSCRIBE, secret.copy().put("user", "ann"))).isEqualTo(new JsonObject().put("allow", false)
        .put("code", "forbidden").put("message", "Only admins may subscribe to chat:secret."));
    assertThat(ask(ExampleService.SUBSCRIBE, secret.copy().put("user", null)).getBoolean("allow")).isFalse();
    assertThat(ask(ExampleService.SUBSCRIBE, secret.copy().put("user", "root"))).isEqualTo(new JsonObject().put("allow", true));
    assertThat(ask(ExampleService.SUBSCRIBE, secret.copy().put("user", "ann").put("channel", "chat:lobby")))
        .isEqualTo(new JsonObject().put("allow", true));
  }

  @Test
  void publishes_to_chat_shout_are_upper_cased_and_others_kept() {
    JsonObject shout = new JsonObject().put("hook", "publish").put("user", "ann").put("client", "c1").put("channel", "chat:shout");
    assertThat(ask(ExampleService.PUBLISH, shout.copy().put("data", "hello"))).isEqualTo(new JsonObject().put("allow", true).put("data", "HELLO"));
    assertThat(ask(ExampleService.PUBLISH, shout.copy().put("data", new JsonObject().put("text", "hi").put("n", 2)
        .put("tags", new JsonArray().add("a").add(true))))).isEqualTo(new JsonObject().put("allow", true)
        .put("data", new JsonObject().put("text", "HI").put("n", 2).put("tags", new JsonArray().add("A").add(true))));
    assertThat(ask(ExampleService.PUBLISH, shout.copy().put("channel", "chat:lobby").put("data", "hello")))
        .isEqualTo(new JsonObject().put("allow", true));
  }

  @Test
  void rpc_time_answers_the_clock_and_other_methods_are_not_found() {
    JsonObject rpc = new JsonObject().put("hook", "rpc").put("user", "ann").put("client", "c1").put("data", null);
    assertThat(ask(ExampleService.RPC, rpc.copy().put("method", "time"))).isEqualTo(new JsonObject()
        .put("data", new JsonObject().put("now", 1_767_225_600_000L).put("iso", "2026-01-01T00:00:00Z")));
    assertThat(ask(ExampleService.RPC, rpc.copy().put("method", "date"))).isEqualTo(new JsonObject()
        .put("error", new JsonObject().put("code", "not_found").put("message", "There is no rpc method 'date'; try 'time'.")));
  }

  @Test
  void lifecycle_events_are_taken_without_failing() {
    // the handlers only log; a published event must not break the consumer for the next one
    vertx.eventBus().publish("rt.events.occupied", new JsonObject().put("type", "occupied").put("channel", "chat:a").put("ts", 1));
    assertThat(ask(ExampleService.CONNECT, connect("ann")).getBoolean("allow")).isTrue();
  }

  @Test
  void settings_come_from_the_environment_and_a_bad_one_is_refused_with_a_sentence() {
    Settings s = Settings.fromEnv(Map.of("SERVICE_CLUSTER_MEMBERS", "127.0.0.1:9200, 127.0.0.1:9201", "SERVICE_ADMINS", "a,b",
        "SERVICE_CLUSTER_PORT", "9290"));
    assertThat(s.members()).containsExactly("127.0.0.1:9200", "127.0.0.1:9201");
    assertThat(s.admins()).containsExactlyInAnyOrder("a", "b");
    assertThat(s.port()).isEqualTo(9290);
    assertThat(Settings.fromEnv(Map.of()).clusterName()).isEqualTo("rtgw-local-8080");
    assertThat(Settings.fromEnv(Map.of()).liteMember()).isTrue();
    assertThat(Settings.fromEnv(Map.of("SERVICE_CLUSTER_LITE_MEMBER", "false")).liteMember()).isFalse();
    IllegalArgumentException e = Assertions.assertThrows(IllegalArgumentException.class,
        () -> Settings.fromEnv(Map.of("SERVICE_CLUSTER_PORT", "x")));
    assertThat(e.getMessage()).isEqualTo("SERVICE_CLUSTER_PORT must be a number from 1 to 65535, not 'x'.");
  }
}
