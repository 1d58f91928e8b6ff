package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 5,000 clients in 100 rooms arriving at once (as after a node restart) and leaving at once: presence
 * traffic on the bus is a handful of batches, not one message per client, and the registry ends up exact.
 */
class PresenceStormTest {

  private static final int CLIENTS = 5000;
  /** Rooms of 50: one room of 5,000 would measure the fan-out of 12.5 million join frames instead. */
  private static final int ROOMS = 100;
  /** Heartbeats far apart, so only the join and leave batches are counted. */
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_PRESENCE_HEARTBEAT_MS", "600000");
  private static final AtomicInteger reports = new AtomicInteger();
  private static final AtomicInteger entries = new AtomicInteger();

  @BeforeAll
  static void countPresenceReports() {
    gateway.vertx().eventBus().addOutboundInterceptor(ctx -> {
      if (ctx.message().address().equals(Addresses.PRESENCE_REPORT)
          && ctx.message().body() instanceof PresenceReport r) {
        reports.incrementAndGet();
        entries.addAndGet(r.joins().size() + r.leaves().size());
      }
      ctx.next();
    });
  }

  @Test
  void a_reconnect_storm_is_reported_in_batches_and_the_registry_is_exact() throws Exception {
    WebSocketClient client = gateway.clients().createWebSocketClient(new WebSocketClientOptions().setMaxConnections(CLIENTS));
    List<WebSocket> sockets = new ArrayList<>();
    CountDownLatch subscribed = new CountDownLatch(CLIENTS);
    for (int batch = 0; batch < CLIENTS; batch += 500) {
      List<Future<WebSocket>> connecting = new ArrayList<>();
      for (int i = batch; i < batch + 500; i++) {
        String user = "u" + i;
        String room = "chat:storm-" + (i % ROOMS);
        connecting.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.port())
            .setURI("/ws?user=" + user)).onSuccess(ws -> {
              ws.textMessageHandler(text -> {
                JsonObject f = new JsonObject(text);
                if (Long.valueOf(1).equals(f.getLong("id")) && "subscribed".equals(f.getString("type"))) {
                  subscribed.countDown();
                }
              });
              ws.writeTextMessage(new JsonObject().put("id", 1).put("type", "subscribe").put("channel", room).encode());
            }));
      }
      for (Future<WebSocket> f : connecting) {
        sockets.add(WsClient.await(f));
      }
    }
    assertThat(subscribed.await(60, TimeUnit.SECONDS)).isTrue();
    awaitMembers(CLIENTS);
    // each client joined twice: chat:storm and its own inbox user:<id>; the inbox is node-routed, so its
    // subscription (a route batch, then the position read) may finish after the room's
    eventually(Duration.ofSeconds(30), Duration.ofMillis(100), () -> assertThat(entries.get()).isEqualTo(2 * CLIENTS));
    int joinReports = reports.get();
    assertThat(joinReports).isLessThan(CLIENTS / 20);

    reports.set(0);
    entries.set(0);
    List<Future<Void>> closing = new ArrayList<>();
    for (WebSocket ws : sockets) {
      closing.add(ws.close());
    }
    Future.join(closing).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    awaitMembers(0);
    assertThat(entries.get()).isEqualTo(2 * CLIENTS);
    assertThat(reports.get()).isLessThan(CLIENTS / 20);
    System.out.printf("presence storm: %d clients, %d join reports, %d leave reports%n", CLIENTS, joinReports, reports.get());
    client.close();
  }

  private static void awaitMembers(int expected) {
    eventually(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
      int count = 0;
      for (int room = 0; room < ROOMS; room++) {
        count += presence("chat:storm-" + room).getJsonArray("members").size();
      }
      assertThat(count).as("members in all rooms").isEqualTo(expected);
    });
  }

  /** A presence query on the bus. A query that fails ends the wait at once: that is not a count to retry. */
  private static JsonObject presence(String channel) throws Exception {
    return gateway.vertx().eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY, new JsonObject().put("channel", channel))
        .toCompletionStage().toCompletableFuture().get(WsClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).body();
  }
}
