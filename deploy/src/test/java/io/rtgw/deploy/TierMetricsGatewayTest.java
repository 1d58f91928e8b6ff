package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.Eventually;
import io.rtgw.testkit.WsClient;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metrics of the tiers behind the connection tier (fanout, history, presence, the Redis calls of the
 * stores, the cluster), scraped from {@code /metrics} of a gateway on the Redis stores: each counter moves
 * by exactly what a scripted session did. The position check is pushed out of the way, since its history
 * reads would be counted too, and so are the inboxes' routes (per-channel routing here): a route lease
 * refreshed during the session would be one more Redis call (NodeRoutedRedisTest counts what routes cost).
 */
class TierMetricsGatewayTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.withRedis(
      "GATEWAY_HISTORY_STORE", "redis", "GATEWAY_PRESENCE_STORE", "redis",
      "GATEWAY_DELIVERY_POSITION_CHECK_MS", "3600000", "GATEWAY_NAMESPACES_USER_ROUTING", "channel");

  private static final String CHANNEL = "chat:tiers";

  @Test
  void every_tier_counts_exactly_what_a_session_did() {
    Scrape before = scrape();
    assertThat(before.value("rtgw_cluster_members")).as("not clustered: a cluster of one").isEqualTo(1);
    try (WsClient alice = WsClient.connect(gateway.clients(), gateway.port(), "user=alice");
         WsClient bob = WsClient.connect(gateway.clients(), gateway.port(), "user=bob")) {
      alice.subscribe(CHANNEL);
      bob.subscribe(CHANNEL);
      for (String key : new String[] {"k-1", "k-2", "k-3", "k-1"}) {
        JsonObject reply = publish(alice, key);
        assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("published");
      }
      bob.awaitMessages(CHANNEL, 3);
      serviceRefused();

      Scrape during = scrape();
      assertThat(during.since(before, "rtgw_fanout_requests_total{result=\"ok\",source=\"client\"}")).isEqualTo(3);
      assertThat(during.since(before, "rtgw_fanout_requests_total{result=\"duplicate\",source=\"client\"}"))
          .as("the repeated key").isEqualTo(1);
      assertThat(during.since(before, "rtgw_fanout_requests_total{result=\"bad_request\",source=\"service\"}"))
          .isEqualTo(1);
      assertThat(during.since(before, "rtgw_history_appends_total{result=\"ok\"}")).isEqualTo(3);
      assertThat(during.since(before, "rtgw_history_appends_total{result=\"duplicate\"}")).isEqualTo(1);
      assertThat(during.since(before, "rtgw_history_store_latency_seconds_count{operation=\"append\"}")).isEqualTo(4);
      double reads = during.since(before, "rtgw_history_store_latency_seconds_count{operation=\"read\"}");
      assertThat(during.since(before, "rtgw_redis_command_latency_seconds_count{store=\"history\"}"))
          .as("one Redis script call per append and per read").isEqualTo(4 + reads);
      assertThat(during.since(before, "rtgw_redis_command_failures_total{code=\"unavailable\",store=\"history\"}"))
          .isZero();

      // two users, each in the channel and in its own inbox (user:<id>, presence on), each with one client
      Eventually.eventually(WsClient.TIMEOUT, () -> {
        Scrape now = scrape();
        assertThat(now.since(before, "rtgw_presence_events_total{type=\"join\"}")).isEqualTo(4);
        assertThat(now.since(before, "rtgw_presence_entries")).isEqualTo(4);
      });
    }
    Eventually.eventually(WsClient.TIMEOUT, () -> {
      Scrape now = scrape();
      assertThat(now.since(before, "rtgw_presence_events_total{type=\"leave\"}")).isEqualTo(4);
      assertThat(now.since(before, "rtgw_presence_entries")).isZero();
    });

    Scrape beforeQuery = scrape();
    assertThat(gateway.http().get("/history?channel=" + CHANNEL).json().getJsonArray("messages")).hasSize(3);
    Scrape afterQuery = scrape();
    assertThat(afterQuery.since(beforeQuery, "rtgw_history_reads_total{result=\"ok\"}")).isEqualTo(1);
    assertThat(afterQuery.since(beforeQuery, "rtgw_history_store_latency_seconds_count{operation=\"read\"}"))
        .isEqualTo(1);
  }

  @Test
  void a_redis_that_is_down_is_counted_as_failed_calls_and_unavailable_appends() {
    try (WsClient carol = WsClient.connect(gateway.clients(), gateway.port(), null)) {
      carol.subscribe("news:tiers");
      Scrape before = scrape();
      gateway.redis().stop();
      try {
        JsonObject refused = publish(carol, null, "news:tiers");
        assertThat(refused.getString("code")).isEqualTo("unavailable");
        Scrape after = scrape();
        assertThat(after.since(before, "rtgw_history_appends_total{result=\"unavailable\"}")).isEqualTo(1);
        assertThat(after.since(before, "rtgw_fanout_requests_total{result=\"unavailable\",source=\"client\"}"))
            .isEqualTo(1);
        assertThat(after.since(before, "rtgw_redis_command_failures_total{code=\"unavailable\",store=\"history\"}"))
            .isEqualTo(1);
      } finally {
        gateway.redis().restart();
        // the link waits out its backoff before it connects again: the other test must find it connected
        Eventually.eventually(WsClient.TIMEOUT, () ->
            assertThat(publish(carol, null, "news:tiers").getString("type")).isEqualTo("published"));
      }
    }
  }

  private static JsonObject publish(WsClient client, String key) {
    return publish(client, key, CHANNEL);
  }

  private static JsonObject publish(WsClient client, String key, String channel) {
    JsonObject frame = new JsonObject().put("type", "publish").put("channel", channel).put("data", "d");
    if (key != null) {
      frame.put("key", key);
    }
    return client.request(frame);
  }

  /** A service publish to a namespace the configuration does not name: fanout refuses it. */
  private static void serviceRefused() {
    Throwable failure = WsClient.await(gateway.vertx().eventBus()
        .request(Addresses.PUBLISH, new JsonObject().put("channel", "nope:x").put("data", 1))
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
  }

  private static Scrape scrape() {
    return Scrape.of(gateway.http(), "/metrics");
  }
}
