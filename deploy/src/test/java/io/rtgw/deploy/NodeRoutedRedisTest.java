package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NodeRoutedDeliveryContract} with the Redis history store, and what subscribing
 * {@link #CHANNELS} channels costs Redis and how long it takes, node-routed (chat here) and
 * per-channel-routed (news, today's path): logged for docs/SCALING.md.
 */
class NodeRoutedRedisTest extends NodeRoutedDeliveryContract {

  private static final Logger LOG = LoggerFactory.getLogger(NodeRoutedRedisTest.class);
  private static final int CHANNELS = Integer.getInteger("routed.channels", 2_000);

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.withRedis(env(
      "GATEWAY_HISTORY_STORE", "redis",
      "GATEWAY_WEBSOCKET_MAX_SUBSCRIPTIONS", String.valueOf(CHANNELS + 100)).toArray(String[]::new));

  @Override
  protected GatewayExtension gateway() {
    return gateway;
  }

  @BeforeAll
  static void watch() {
    watchDeliveries(gateway);
  }

  @Test
  void subscribing_many_routed_channels_costs_redis_a_few_commands_each() {
    // both clients stay connected to the end: the unsubscribes of one must not count in the other
    try (WsClient news = gateway.ws(null); WsClient chat = gateway.ws(null)) {
      long perChannel = measure(news, "news");
      long routed = measure(chat, "chat");
      // a route costs a ZADD and a PEXPIRE in the batch; the position read is the same either way
      assertThat(routed).isLessThanOrEqualTo(perChannel + 3L * CHANNELS);
    }
  }

  /** Subscribes {@link #CHANNELS} channels of {@code namespace} on one connection: Redis commands, logged with the time. */
  private long measure(WsClient c, String namespace) {
    Redis redis = Redis.createClient(gateway.clients(), gateway.redis().endpoint());
    try {
      c.request(new JsonObject().put("type", "ping"));
      WsClient.await(redis.send(Request.cmd(Command.CONFIG).arg("RESETSTAT")));
      long started = System.nanoTime();
      int window = 500;
      for (int from = 0; from < CHANNELS; from += window) {
        int upTo = Math.min(CHANNELS, from + window);
        for (int i = from; i < upTo; i++) {
          c.send(new JsonObject().put("type", "subscribe").put("channel", namespace + ":many-" + i));
        }
        eventually(Duration.ofSeconds(60), () -> {
          assertThat(c.frames(f -> "error".equals(f.getString("type")))).isEmpty();
          assertThat(c.frames(f -> "subscribed".equals(f.getString("type"))).size()).isEqualTo(upTo);
        });
      }
      long ms = (System.nanoTime() - started) / 1_000_000;
      String stats = WsClient.await(redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
      long calls = 0;
      for (String line : stats.split("\r?\n")) {
        int at = line.indexOf("calls=");
        if (line.startsWith("cmdstat_") && at > 0 && !line.startsWith("cmdstat_info:")
            && !line.startsWith("cmdstat_config:")) {
          calls += Long.parseLong(line.substring(at + 6, line.indexOf(',', at)));
        }
      }
      LOG.info("Subscribing {} {} channels ({}) on one node: {} ms, {} Redis commands (with the tail check's "
          + "and leases' meanwhile)\n{}", CHANNELS, namespace, namespace.equals("chat") ? "node-routed" : "per-channel",
          ms, calls, stats);
      return calls;
    } finally {
      redis.close();
    }
  }
}
