package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 5,000 clients in 100 rooms arriving at once (as after a node restart) and leaving at once: presence
 * traffic on the bus is a handful of batches, not one message per client, and the registry ends up exact.
 */
class PresenceStormTest {

  private static final int CLIENTS = 5000;
  /** Rooms of 50: one room of 5,000 would measure the fan-out of 12.5 million join frames instead. */
  private static final int ROOMS = 100;
  private static Gateway gateway;
  private static Vertx clients;
  private static final AtomicInteger reports = new AtomicInteger();
  private static final AtomicInteger entries = new AtomicInteger();

  @BeforeAll
  static void start() {
    // heartbeats far apart, so only the join and leave batches are counted
    gateway = TestGateways.start("GATEWAY_PRESENCE_HEARTBEAT_MS", "600000");
    gateway.vertx().eventBus().addOutboundInterceptor(ctx -> {
      if (ctx.message().address().equals(Addresses.PRESENCE_REPORT)
          && ctx.message().body() instanceof PresenceReport r) {
        reports.incrementAndGet();
        entries.addAndGet(r.joins().size() + r.leaves().size());
      }
      ctx.next();
    });
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    WsClient.await(clients.close());
    WsClient.await(gateway.stop());
  }

  @Test
  void a_reconnect_storm_is_reported_in_batches_and_the_registry_is_exact() throws Exception {
    WebSocketClient client = clients.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(CLIENTS));
    List<WebSocket> sockets = new ArrayList<>();
    CountDownLatch subscribed = new CountDownLatch(CLIENTS);
    for (int batch = 0; batch < CLIENTS; batch += 500) {
      List<Future<WebSocket>> connecting = new ArrayList<>();
      for (int i = batch; i < batch + 500; i++) {
        String user = "u" + i;
        String room = "chat:storm-" + (i % ROOMS);
        connecting.add(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gateway.httpPort())
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
    int joinReports = reports.get();
    // each client joined twice: chat:storm and its own inbox user:<id>
    assertThat(entries.get()).isEqualTo(2 * CLIENTS);
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

  private static void awaitMembers(int expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    int count = -1;
    while (System.currentTimeMillis() < deadline) {
      count = 0;
      for (int room = 0; room < ROOMS; room++) {
        JsonObject reply = WsClient.await(gateway.vertx().eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY,
            new JsonObject().put("channel", "chat:storm-" + room))).body();
        count += reply.getJsonArray("members").size();
      }
      if (count == expected) {
        return;
      }
      Thread.sleep(100);
    }
    assertThat(count).isEqualTo(expected);
  }
}
