package io.rtgw.deploy.fault;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kill -9 of a connection node with lifecycle events on: the application, here an HTTP endpoint every
 * process posts its events to ({@code events.url}), gets one {@code disconnected} ("node left") per
 * client of that node within 2 s of the kill, from the presence tier that heard of the member's
 * removal, and none for the clients of the node that stays.
 */
class LifecycleKillIT {

  private static final String API_KEY = "lifecycle-kill-key-0123456789";
  private static final int DOOMED_CLIENTS = 20;
  private static final int SURVIVING_CLIENTS = 3;

  /** Every event posted, with the time it arrived. */
  private record Posted(JsonObject event, long atMs) {
  }

  private static final List<Posted> posted = new CopyOnWriteArrayList<>();
  private static final Vertx vertx = Vertx.vertx();
  /** Its own Vertx: the clients' event loop may be slow to serve on a loaded machine, the endpoint must not be. */
  private static final Vertx application = Vertx.vertx();
  private static final HttpServer endpoint = WsClient.await(application.createHttpServer().requestHandler(req ->
      req.body().onSuccess(body -> {
        long now = System.currentTimeMillis();
        body.toJsonObject().getJsonArray("events").forEach(e -> posted.add(new Posted((JsonObject) e, now)));
        req.response().setStatusCode(204).end();
      })).listen(0, "127.0.0.1"));

  @RegisterExtension
  static final ClusterExtension CLUSTER = new ClusterExtension(() -> ProcessCluster.builder("lifecycle-kill")
      .nodes("core", 1).nodes("connection", 2)
      .env("connection", "GATEWAY_IDENTITY_ALLOW_USER_PARAM", "true")
      .env("GATEWAY_EVENTS_ENABLED", "true")
      .env("GATEWAY_EVENTS_BATCH_MS", "100")
      .env("GATEWAY_EVENTS_URL", "http://127.0.0.1:" + endpoint.actualPort() + "/events")
      .env("GATEWAY_CONTROL_ENABLED", "true")
      .env("GATEWAY_AUTH_API_KEYS", API_KEY)
      // a loaded machine can keep the core from answering for seconds: the nodes must not send their
      // clients away meanwhile, which would be other disconnects than the kill's
      .env("connection", "GATEWAY_DELIVERY_OUTAGE_NOTICE_MS", "0"));

  @AfterAll
  static void stopEndpoint() {
    WsClient.await(vertx.close());
    WsClient.await(application.close());
  }

  @Test
  void every_client_of_a_killed_connection_node_is_disconnected_once_within_2_s() throws Exception {
    ProcessCluster cluster = CLUSTER.get();
    ProcessCluster.Node survivor = cluster.node("connection-1");
    ProcessCluster.Node doomed = cluster.node("connection-2");
    List<WsClient> clients = new ArrayList<>();
    boolean killedIt = false;
    try {
      for (int i = 0; i < DOOMED_CLIENTS; i++) {
        clients.add(WsClient.connect(vertx, doomed.httpPort(), "user=doomed-" + i));
      }
      for (int i = 0; i < SURVIVING_CLIENTS; i++) {
        clients.add(WsClient.connect(vertx, survivor.httpPort(), "user=stays-" + i));
      }
      Set<String> doomedClients = new java.util.HashSet<>();
      for (int i = 0; i < clients.size(); i++) {
        String client = clients.get(i).await(f -> "connected".equals(f.getString("type"))).getString("client");
        if (i < DOOMED_CLIENTS) {
          doomedClients.add(client);
        }
      }
      eventually(Duration.ofSeconds(15), () -> assertThat(events("connected").size())
          .isEqualTo(DOOMED_CLIENTS + SURVIVING_CLIENTS));
      // the registry has them all (the control API counts from it, asked over HTTP on the other node)
      HttpCalls http = new HttpCalls(survivor.httpPort());
      eventually(Duration.ofSeconds(15), () -> assertThat(http.post("/control", new JsonObject().put("op", "count")
          .toBuffer(), Map.of("authorization", "apikey " + API_KEY, "content-type", "application/json")).json()
          .getInteger("connections")).isEqualTo(DOOMED_CLIENTS + SURVIVING_CLIENTS));

      long killed = System.currentTimeMillis();
      doomed.kill9();
      killedIt = true;
      eventually(Duration.ofSeconds(15), () -> assertThat(nodeLeft()).hasSize(DOOMED_CLIENTS));
      Thread.sleep(1_000);
      List<Posted> gone = nodeLeft();
      assertThat(gone.stream().map(p -> p.event().getString("client")).collect(Collectors.toSet()))
          .as("one disconnected per client of the killed node").hasSize(DOOMED_CLIENTS).isEqualTo(doomedClients);
      assertThat(events("disconnected")).as("nobody else disconnected").hasSize(DOOMED_CLIENTS);
      long first = gone.stream().mapToLong(p -> p.atMs() - killed).min().orElseThrow();
      long last = gone.stream().mapToLong(p -> p.atMs() - killed).max().orElseThrow();
      System.out.printf("[lifecycle-kill] %d disconnected events, first %d ms, last %d ms after the kill%n",
          gone.size(), first, last);
      assertThat(last).as("every disconnected within 2 s of the kill").isLessThanOrEqualTo(2_000);
      for (Posted p : gone) {
        assertThat(p.event().getString("user")).startsWith("doomed-");
        assertThat(p.event().getString("transport")).isEqualTo("ws");
        assertThat(p.event().getValue("code")).isNull();
      }
      eventually(Duration.ofSeconds(10), () -> assertThat(http.post("/control", new JsonObject().put("op", "count")
          .toBuffer(), Map.of("authorization", "apikey " + API_KEY, "content-type", "application/json")).json()
          .getInteger("connections")).isEqualTo(SURVIVING_CLIENTS));
    } finally {
      clients.forEach(WsClient::close);
      if (killedIt) {
        doomed.restart();
      }
    }
  }

  private static List<JsonObject> events(String type) {
    return posted.stream().map(Posted::event).filter(e -> type.equals(e.getString("type"))).toList();
  }

  private static List<Posted> nodeLeft() {
    return posted.stream().filter(p -> "disconnected".equals(p.event().getString("type"))
        && "node left".equals(p.event().getString("reason"))).toList();
  }
}
