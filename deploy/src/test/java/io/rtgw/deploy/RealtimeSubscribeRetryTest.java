package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * realtime.js tries a subscribe answered with {@code unavailable} again, backing off, instead of staying
 * connected without the channel: src/test/node/realtime-subscribe-retry.mjs subscribes while the history
 * store (Redis) is down, and gets a message published after Redis is back, on the same connection.
 */
class RealtimeSubscribeRetryTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.withRedis("GATEWAY_HISTORY_STORE", "redis");

  @Test
  void a_subscribe_refused_while_history_is_down_is_tried_again_until_it_holds() throws Exception {
    String channel = "feed:retry-" + System.nanoTime();
    gateway.redis().stop();
    CompletableFuture<NodeScripts.Result> script = CompletableFuture.supplyAsync(() -> {
      try {
        return NodeScripts.run(Path.of("src", "test", "node"), List.of("--experimental-websocket",
            "realtime-subscribe-retry.mjs", String.valueOf(gateway.port()), channel), 60);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      // long enough for the first subscribes to be refused
      Thread.sleep(3_000);
    } finally {
      gateway.redis().restart();
    }
    // until the client, subscribed again, has one (each publish is acknowledged or refused at once)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (!script.isDone() && System.nanoTime() < deadline) {
      gateway.http().post("/publish", new JsonObject().put("channel", channel).put("data", new JsonObject().put("n", 1)));
      Thread.sleep(500);
    }
    NodeScripts.Result r = script.get(30, TimeUnit.SECONDS);
    assertThat(r.exitCode()).as("node exit; output:%n%s", r.output()).isZero();
    assertThat(r.output()).contains("ok realtime-subscribe-retry");
  }
}
