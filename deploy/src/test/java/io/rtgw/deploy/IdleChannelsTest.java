package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.PositionsRead;
import io.rtgw.protocol.config.DeliveryConfig;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle channels cost nothing per channel: one node holds {@link #IDLE} quiet channels with its history on
 * a real redis-server, and Redis must see at most {@link #MAX_IDLE_COMMANDS_PER_S} commands a second in all
 * (the figure is logged). Then deliveries to idle channels are thrown away on purpose, so that only the
 * tail check can bring them, and each subscriber must still get its message, once, within the documented
 * bound of two position checks; also when history forgot the node's place in the changes feed.
 *
 * <p>{@code -Didle.channels=19000} measures another count (the bench's figures).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdleChannelsTest {

  private static final Logger LOG = LoggerFactory.getLogger(IdleChannelsTest.class);
  private static final int IDLE = Integer.getInteger("idle.channels", 2_000);
  private static final int MAX_IDLE_COMMANDS_PER_S = 50;
  private static final long CHECK_MS = DeliveryConfig.DEFAULT_POSITION_CHECK_MS;
  /** OPERATIONS.md: a lost tail arrives within two position checks; plus slack for this shared machine. */
  private static final Duration HEALED_WITHIN = Duration.ofMillis(2 * CHECK_MS + 3_000);
  private static final int RETAINED = 100;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.withRedis(
      "GATEWAY_HISTORY_STORE", "redis",
      "GATEWAY_WEBSOCKET_MAX_SUBSCRIPTIONS", String.valueOf(IDLE + 1_000),
      "GATEWAY_HISTORY_CHANGES_RETAINED", String.valueOf(RETAINED));

  /** Channels whose deliveries never reach the connection tier. */
  private static final Set<String> doomed = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger dropped = new AtomicInteger();
  /** While set, the node's questions to the changes feed are lost too. */
  private static final AtomicBoolean feedCutOff = new AtomicBoolean();
  private static final List<PositionsRead> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static WsClient idle;

  @BeforeAll
  static void loseWhatTheTestSays() {
    gateway.vertx().eventBus().addOutboundInterceptor(ctx -> {
      String address = ctx.message().address();
      if (Addresses.isDelivery(address) && doomed.contains(address.substring("rt.internal.delivery.".length()))) {
        dropped.incrementAndGet();
        return;
      }
      if (address.equals(Addresses.HISTORY_CHANGES) && feedCutOff.get()) {
        return;
      }
      if (address.equals(Addresses.HISTORY_POSITIONS) && ctx.message().body() instanceof PositionsRead read) {
        batches.add(read);
      }
      ctx.next();
    });
    idle = gateway.ws(null);
    // pipelined in windows: one after another would take most of the test's time at 19,000, all at once
    // would queue them past the Redis timeout on a busy machine
    int window = 500;
    for (int from = 0; from < IDLE; from += window) {
      int upTo = Math.min(IDLE, from + window);
      for (int i = from; i < upTo; i++) {
        idle.send(new JsonObject().put("type", "subscribe").put("channel", "chat:idle-" + i));
      }
      eventually(Duration.ofSeconds(60), () -> {
        assertThat(idle.frames(f -> "error".equals(f.getString("type")))).isEmpty();
        // a count, not the frames: a failed try must not print thousands of them
        assertThat(idle.frames(f -> "subscribed".equals(f.getString("type"))).size()).isEqualTo(upTo);
      });
    }
  }

  @AfterAll
  static void closeClient() {
    if (idle != null) {
      idle.close();
    }
  }

  @Test
  @Order(1)
  void idle_channels_cost_redis_a_few_commands_a_second_in_all() throws Exception {
    Redis redis = Redis.createClient(gateway.clients(), gateway.redis().endpoint());
    try {
      // past the opening reads of the subscribes and the round under way
      Thread.sleep(2 * CHECK_MS); // a real-time wait on purpose: rounds run on the clock
      WsClient.await(redis.send(Request.cmd(Command.CONFIG).arg("RESETSTAT")));
      long started = System.nanoTime();
      Thread.sleep(10_000); // a real-time wait on purpose: a rate needs time to pass
      String stats = WsClient.await(redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
      double seconds = (System.nanoTime() - started) / 1e9;
      long calls = 0;
      for (String line : stats.split("\r?\n")) {
        int at = line.indexOf("calls=");
        // the measurement's own INFO is no cost of idle channels
        if (line.startsWith("cmdstat_") && at > 0 && !line.startsWith("cmdstat_info:")) {
          calls += Long.parseLong(line.substring(at + 6, line.indexOf(',', at)));
        }
      }
      double perSecond = calls / seconds;
      LOG.info("{} idle channels on one node, history on Redis: {} Redis commands in {} s = {} commands/s\n{}",
          IDLE, calls, String.format("%.1f", seconds), String.format("%.1f", perSecond), stats);
      assertThat(perSecond).isLessThanOrEqualTo(MAX_IDLE_COMMANDS_PER_S);
    } finally {
      redis.close();
    }
  }

  @Test
  void a_delivery_lost_to_an_idle_channel_arrives_within_two_position_checks() {
    try (WsClient publisher = gateway.ws(null); WsClient subscriber = gateway.ws(null)) {
      List<String> channels = List.of("chat:lost-1", "chat:lost-2", "chat:lost-3");
      channels.forEach(subscriber::subscribe);
      int droppedBefore = dropped.get();
      doomed.addAll(channels);
      long started = System.nanoTime();
      channels.forEach(c -> publisher.publish(c, "only"));

      channels.forEach(c -> eventually(HEALED_WITHIN, () -> assertThat(subscriber.messages(c)).hasSize(1)));
      LOG.info("3 deliveries lost on the bus reached their subscribers after {} ms",
          (System.nanoTime() - started) / 1_000_000);
      assertThat(dropped.get() - droppedBefore).isEqualTo(channels.size());
      publisher.request(new JsonObject().put("type", "ping"));
      channels.forEach(c -> assertThat(subscriber.messages(c)).hasSize(1)
          .allSatisfy(m -> assertThat(m.getValue("data")).isEqualTo("only")));
    }
  }

  @Test
  void a_node_that_lost_its_place_in_the_changes_feed_checks_every_channel_in_batches_and_heals() {
    String lost = "chat:idle-7";
    long before = idle.messages(lost).size();
    batches.clear();
    feedCutOff.set(true);
    try (WsClient publisher = gateway.ws(null)) {
      doomed.add(lost);
      publisher.publish(lost, "behind");
      // more appends than the feed remembers push the node's cursor off it
      for (int i = 0; i < 5 * RETAINED; i++) {
        publisher.send(new JsonObject().put("type", "publish").put("channel", "chat:elsewhere-" + i).put("data", i));
      }
      publisher.request(new JsonObject().put("type", "ping"));
    } finally {
      feedCutOff.set(false);
    }

    eventually(HEALED_WITHIN.plus(Duration.ofMillis(DeliveryConfig.DEFAULT_REQUEST_TIMEOUT_MS)),
        () -> assertThat(idle.messages(lost)).hasSize((int) before + 1));
    assertThat(batches).anySatisfy(b -> assertThat(b.channels()).contains(lost)
        .hasSizeGreaterThan(DeliveryConfig.DEFAULT_POSITION_BATCH_SIZE / 2));
    assertThat(gateway.http().get("/metrics").text()).containsPattern("(?m)^rtgw_full_position_checks_total [1-9]")
        .containsPattern("(?m)^rtgw_position_reads_total [1-9]");
  }
}
