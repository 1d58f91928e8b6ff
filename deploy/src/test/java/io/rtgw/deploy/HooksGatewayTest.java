package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend hooks over real sockets: one gateway whose hooks are real services, some on the event bus
 * (consumers registered on the gateway's own Vert.x, which is where a service on the bus of a
 * single-node gateway sits; a clustered pair would add a Hazelcast start to every run of this class on
 * the shared 2-core machine and test the cluster, not the hooks, which only ever call
 * {@code eventBus().request}), and some behind HTTP servers on free ports of a Vert.x of their own.
 * Each hook answers by what it is asked (the user, the channel, the method), so the tests share the
 * gateway without sharing state.
 */
class HooksGatewayTest {

  private static final int MAX_ANSWER = 1024;
  private static Vertx backend;
  private static HttpServer appServer;
  private static HttpServer fragileServer;
  private static int appPort;
  private static int fragilePort;
  private static Gateway gateway;
  private static Vertx clients;
  private static HttpCalls http;
  private static int port;
  /** What the refresh hook was asked, in order. */
  private static final List<JsonObject> refreshes = new CopyOnWriteArrayList<>();
  /** Requests the fragile publish hook holds unanswered. */
  private static final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
  private static MessageConsumer<JsonObject> doomed;

  @BeforeAll
  static void start() throws Exception {
    backend = Vertx.vertx();
    appPort = Ports.free();
    appServer = WsClient.await(backend.createHttpServer().requestHandler(HooksGatewayTest::app).listen(appPort, "127.0.0.1"));
    fragilePort = Ports.free();
    fragileServer = WsClient.await(backend.createHttpServer().requestHandler(r -> r.body().onSuccess(b -> {
      if (new JsonObject(b).getJsonObject("data").getString("text").equals("hold")) {
        held.add(r);
      } else {
        r.response().putHeader("content-type", "application/json").end("{\"allow\":true}");
      }
    })).listen(fragilePort, "127.0.0.1"));

    JsonObject conf = new JsonObject(Files.readString(Path.of("../conf/standalone.json")));
    conf.put("hooks", new JsonObject()
        .put("connect", new JsonObject().put("address", "test.hooks.connect").put("timeoutMs", 1500)
            .put("onFailure", "refuse").put("headers", new JsonArray().add("X-App")))
        .put("refresh", new JsonObject().put("address", "test.hooks.refresh").put("timeoutMs", 1500)
            .put("beforeExpiryMs", 1000))
        .put("rpc", new JsonObject().put("url", "http://127.0.0.1:" + appPort + "/rpc").put("timeoutMs", 3000))
        .put("maxAnswerBytes", MAX_ANSWER));
    JsonObject ns = conf.getJsonObject("namespaces");
    ns.put("guarded", namespace(new JsonObject().put("subscribe", new JsonObject()
        .put("address", "test.hooks.subscribe").put("timeoutMs", 800).put("onFailure", "refuse"))));
    ns.put("lenient", namespace(new JsonObject().put("subscribe", new JsonObject()
        .put("address", "test.hooks.subscribe").put("timeoutMs", 800).put("onFailure", "allow"))));
    ns.put("stuck", namespace(new JsonObject().put("subscribe", new JsonObject()
        .put("address", "test.hooks.subscribe").put("timeoutMs", 60000))));
    ns.put("doomed", namespace(new JsonObject().put("subscribe", new JsonObject()
        .put("address", "test.hooks.doomed").put("timeoutMs", 5000))));
    ns.put("edited", namespace(new JsonObject().put("publish", new JsonObject()
        .put("url", "http://127.0.0.1:" + appPort + "/publish").put("timeoutMs", 3000))));
    ns.put("fragile", namespace(new JsonObject().put("publish", new JsonObject()
        .put("url", "http://127.0.0.1:" + fragilePort + "/publish").put("timeoutMs", 15000))));
    Path file = Files.createTempFile("rtgw-hooks", ".json");
    Files.writeString(file, conf.encode());
    Map<String, String> env = new HashMap<>(Map.of("GATEWAY_HTTP_HOST", "127.0.0.1", "GATEWAY_HTTP_PORT", "0",
        "GATEWAY_DEMO_TICKER", "false", "GATEWAY_HTTP_DRAIN_MS", "0"));
    GatewayConfig config = ConfigLoader.load(file.toString(), env);
    gateway = WsClient.await(Gateway.start(config));
    port = gateway.httpPort();
    clients = Vertx.vertx();
    http = new HttpCalls(port);

    var bus = gateway.vertx().eventBus();
    WsClient.await(bus.<JsonObject>consumer("test.hooks.connect", HooksGatewayTest::connect).completion());
    WsClient.await(bus.<JsonObject>consumer("test.hooks.subscribe", HooksGatewayTest::subscribe).completion());
    WsClient.await(bus.<JsonObject>consumer("test.hooks.refresh", m -> {
      refreshes.add(m.body());
      if ("evicted".equals(m.body().getString("user"))) {
        m.reply(new JsonObject().put("allow", false).put("code", "forbidden").put("message", "Evicted by the app."));
      } else {
        m.reply(new JsonObject().put("allow", true).put("expiresAt", System.currentTimeMillis() + 600_000));
      }
    }).completion());
    doomed = bus.consumer("test.hooks.doomed", m -> m.reply(new JsonObject().put("allow", true)));
    WsClient.await(doomed.completion());
  }

  private static JsonObject namespace(JsonObject hooks) {
    return new JsonObject().put("historySize", 100).put("hooks", hooks);
  }

  @AfterAll
  static void stop() {
    http.close();
    WsClient.await(clients.close());
    WsClient.await(gateway.stop());
    WsClient.await(backend.close());
  }

  /** The connect hook: refuses mallory and a banned app, renames hookme, never answers slowpoke. */
  private static void connect(Message<JsonObject> m) {
    JsonObject asked = m.body();
    String user = asked.getString("user");
    if ("slowpoke".equals(user)) {
      return;
    }
    if ("mallory".equals(user) || "banned".equals(asked.getJsonObject("headers").getString("x-app"))) {
      m.reply(new JsonObject().put("allow", false).put("code", "forbidden").put("message", "Not welcome here."));
    } else if ("hookme".equals(user)) {
      m.reply(new JsonObject().put("allow", true).put("user", "u-hooked")
          .put("channels", new JsonArray().add("news:hooked")).put("info", new JsonObject().put("plan", "gold")));
    } else if ("shortlived".equals(user) || "evicted".equals(user)) {
      m.reply(new JsonObject().put("allow", true).put("expiresAt", System.currentTimeMillis() + 1500));
    } else {
      m.reply(new JsonObject().put("allow", true));
    }
  }

  /** The subscribe hooks: refuses channels ending in :secret, never answers channels ending in :slow or stuck:. */
  private static void subscribe(Message<JsonObject> m) {
    String channel = m.body().getString("channel");
    if (channel.endsWith(":slow") || channel.startsWith("stuck:")) {
      return;
    }
    if (channel.endsWith(":secret")) {
      m.reply(new JsonObject().put("allow", false).put("code", "forbidden")
          .put("message", "The application keeps " + channel + " to itself."));
      return;
    }
    m.reply(new JsonObject().put("allow", true));
  }

  /** The HTTP hooks: /publish rewrites or refuses a message; /rpc echoes, fails or answers too much. */
  private static void app(HttpServerRequest r) {
    r.body().onSuccess(b -> {
      JsonObject asked = new JsonObject(b);
      JsonObject answer;
      if (r.path().equals("/publish")) {
        JsonObject data = asked.getJsonObject("data");
        answer = data.getString("text", "").contains("spam")
            ? new JsonObject().put("allow", false).put("code", "forbidden").put("message", "No spam, please.")
            : new JsonObject().put("allow", true).put("data", new JsonObject()
                .put("text", data.getString("text").toUpperCase()).put("by", asked.getString("user")));
      } else {
        String method = asked.getString("method");
        if (method.equals("fail")) {
          answer = new JsonObject().put("error", new JsonObject().put("code", "not_found").put("message", "No such thing."));
        } else if (method.equals("big")) {
          answer = new JsonObject().put("data", "x".repeat(MAX_ANSWER * 2));
        } else {
          answer = new JsonObject().put("data", new JsonObject().put("method", method).put("user", asked.getString("user"))
              .put("echo", asked.getValue("data")));
        }
      }
      r.response().putHeader("content-type", "application/json").end(answer.encode());
    });
  }

  private WsClient ws(String query) {
    return WsClient.connect(clients, port, query);
  }

  private static String hookSeries(String hook, String result) {
    return "rtgw_hook_requests_total{hook=\"" + hook + "\",result=\"" + result + "\"}";
  }

  @Test
  void a_connect_the_hook_refuses_is_closed_with_its_sentence_on_every_transport() {
    Scrape before = Scrape.of(http, "/metrics");
    int handshakes;
    try (WsClient c = ws("user=mallory")) {
      assertThat(c.awaitClose()).isEqualTo((short) 1008);
      assertThat(c.socket().closeReason()).isEqualTo("Not welcome here.");
      // the test client connects again when the refusal races its handshake: each one asked the hook
      handshakes = c.attempts();
    }
    HttpCalls.Reply poll = http.get("/messages?channel=chat:x&user=mallory");
    assertThat(poll.status()).isEqualTo(403);
    assertThat(poll.json().getString("code")).isEqualTo("forbidden");
    assertThat(poll.json().getString("message")).isEqualTo("Not welcome here.");
    // the header the config names is passed on: the hook refuses this app by it
    try (SseClient sse = SseClient.open(clients, port, "/sse?channel=chat:x", Map.of("X-App", "banned"))) {
      assertThat(sse.status()).isEqualTo(403);
    }
    Scrape after = Scrape.of(http, "/metrics");
    assertThat(after.since(before, hookSeries("connect", "refuse"))).isEqualTo(2 + handshakes);
  }

  @Test
  void a_connect_the_hook_allows_gets_the_user_and_the_channels_the_hook_names() {
    try (WsClient c = ws("user=hookme")) {
      JsonObject connected = c.await(f -> "connected".equals(f.getString("type")));
      assertThat(connected.getString("user")).isEqualTo("u-hooked");
      c.await(f -> "subscribed".equals(f.getString("type")) && "news:hooked".equals(f.getString("channel")));
      http.post("/publish", new JsonObject().put("channel", "news:hooked").put("data", new JsonObject().put("n", 1)));
      assertThat(c.awaitMessages("news:hooked", 1).get(0).getJsonObject("data").getInteger("n")).isEqualTo(1);
    }
  }

  @Test
  void a_connect_hook_that_does_not_answer_refuses_under_refuse() {
    try (WsClient c = ws("user=slowpoke")) {
      assertThat(c.awaitClose()).isEqualTo((short) 1011);
      assertThat(c.socket().closeReason()).contains("did not answer within 1500 ms");
    }
  }

  @Test
  void a_subscribe_the_namespace_allows_is_refused_by_the_hook() {
    try (WsClient c = ws("user=alice")) {
      JsonObject refused = c.subscribe("guarded:secret");
      assertThat(refused.getString("type")).isEqualTo("error");
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("message")).isEqualTo("The application keeps guarded:secret to itself.");
      assertThat(c.subscribe("guarded:open").getString("type")).isEqualTo("subscribed");
    }
    HttpCalls.Reply poll = http.get("/messages?channel=guarded:secret&user=alice");
    assertThat(poll.status()).isEqualTo(403);
    try (SseClient sse = SseClient.open(clients, port, "/sse?channel=guarded:secret&user=alice", Map.of())) {
      assertThat(sse.status()).isEqualTo(403);
    }
  }

  @Test
  void a_subscribe_hook_that_does_not_answer_refuses_or_allows_as_configured() {
    try (WsClient c = ws("user=alice")) {
      JsonObject refused = c.subscribe("guarded:slow");
      assertThat(refused.getString("code")).isEqualTo("unavailable");
      assertThat(refused.getString("message")).contains("did not answer within 800 ms");
      assertThat(c.subscribe("lenient:slow").getString("type")).isEqualTo("subscribed");
    }
  }

  @Test
  void a_publish_is_rewritten_or_refused_by_the_hook_before_fanout() {
    try (WsClient reader = ws("user=bob"); WsClient writer = ws("user=carol")) {
      assertThat(reader.subscribe("edited:room").getString("type")).isEqualTo("subscribed");
      assertThat(writer.publish("edited:room", new JsonObject().put("text", "spam spam")).getString("code"))
          .isEqualTo("forbidden");
      assertThat(writer.publish("edited:room", new JsonObject().put("text", "hello")).getString("type"))
          .isEqualTo("published");
      JsonObject data = reader.awaitMessages("edited:room", 1).get(0).getJsonObject("data");
      assertThat(data).isEqualTo(new JsonObject().put("text", "HELLO").put("by", "carol"));
      // the refused one never reached the channel: the first message is the rewritten one
      assertThat(reader.messages("edited:room")).hasSize(1);
    }
  }

  @Test
  void an_rpc_goes_to_the_application_and_back_over_websocket_and_http() {
    try (WsClient c = ws("user=dave")) {
      JsonObject answer = c.request(new JsonObject().put("type", "rpc").put("method", "sum")
          .put("data", new JsonObject().put("a", 2)));
      assertThat(answer.getString("type")).isEqualTo("rpc");
      assertThat(answer.getJsonObject("data")).isEqualTo(new JsonObject().put("method", "sum").put("user", "dave")
          .put("echo", new JsonObject().put("a", 2)));
      JsonObject failed = c.request(new JsonObject().put("type", "rpc").put("method", "fail"));
      assertThat(failed.getString("type")).isEqualTo("error");
      assertThat(failed.getString("code")).isEqualTo("not_found");
      assertThat(failed.getString("message")).isEqualTo("No such thing.");
    }
    HttpCalls.Reply reply = http.post("/rpc?user=erin", new JsonObject().put("method", "ping").put("data", List.of(1, 2)));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getJsonObject("data")).isEqualTo(new JsonObject().put("method", "ping").put("user", "erin")
        .put("echo", new JsonArray().add(1).add(2)));
    HttpCalls.Reply noMethod = http.post("/rpc?user=erin", new JsonObject().put("data", 1));
    assertThat(noMethod.status()).isEqualTo(400);
  }

  @Test
  void an_answer_larger_than_the_bound_is_dropped_and_counted() {
    Scrape before = Scrape.of(http, "/metrics");
    try (WsClient c = ws("user=dave")) {
      JsonObject answer = c.request(new JsonObject().put("type", "rpc").put("method", "big"));
      assertThat(answer.getString("code")).isEqualTo("unavailable");
      assertThat(answer.getString("message")).contains("more than " + MAX_ANSWER + " bytes");
    }
    assertThat(Scrape.of(http, "/metrics").since(before, hookSeries("rpc", "too_large"))).isEqualTo(1);
  }

  @Test
  void the_refresh_hook_renews_a_connection_the_connect_hook_gave_an_expiry_or_ends_it() throws Exception {
    try (WsClient kept = ws("user=shortlived"); WsClient evicted = ws("user=evicted")) {
      long expiresAt = kept.await(f -> "connected".equals(f.getString("type"))).getLong("expiresAt");
      assertThat(evicted.awaitClose()).isEqualTo((short) 1008);
      assertThat(evicted.socket().closeReason()).contains("Evicted by the app.");
      eventually(Duration.ofSeconds(10), () -> assertThat(refreshes).anyMatch(r -> "shortlived".equals(r.getString("user"))));
      // past the connect hook's expiry, the renewed connection still answers
      long wait = expiresAt + 300 - System.currentTimeMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      assertThat(kept.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void a_hook_that_hangs_delays_no_other_client_nor_its_own_connection() {
    try (WsClient waiting = ws("user=frank"); WsClient other = ws("user=grace")) {
      waiting.send(new JsonObject().put("id", 1).put("type", "subscribe").put("channel", "stuck:x"));
      assertThat(other.subscribe("chat:elsewhere").getString("type")).isEqualTo("subscribed");
      for (int i = 0; i < 20; i++) {
        other.publish("chat:elsewhere", i);
      }
      assertThat(other.awaitMessages("chat:elsewhere", 20)).hasSize(20);
      assertThat(waiting.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
      // the hook (60 s timeout) has still not answered: nothing came back for the subscribe
      assertThat(waiting.frames(f -> Long.valueOf(1).equals(f.getLong("id")))).isEmpty();
    }
  }

  @Test
  void an_http_hook_that_dies_mid_request_fails_the_request_at_once_instead_of_at_its_timeout() {
    try (WsClient c = ws("user=heidi")) {
      assertThat(c.publish("fragile:x", new JsonObject().put("text", "fine")).getString("type")).isEqualTo("published");
      c.send(new JsonObject().put("id", 99).put("type", "publish").put("channel", "fragile:x")
          .put("data", new JsonObject().put("text", "hold")));
      eventually(Duration.ofSeconds(10), () -> assertThat(held).hasSize(1));
      WsClient.await(fragileServer.close());
      JsonObject failed = c.await(f -> Long.valueOf(99).equals(f.getLong("id")));
      assertThat(failed.getString("code")).isEqualTo("unavailable");
      assertThat(failed.getString("message")).doesNotContain("did not answer within");
      JsonObject next = c.publish("fragile:x", new JsonObject().put("text", "after"));
      assertThat(next.getString("code")).isEqualTo("unavailable");
      assertThat(next.getString("message")).contains("could not be reached");
    }
  }

  @Test
  void a_bus_hook_whose_consumer_is_gone_refuses_at_once() {
    try (WsClient c = ws("user=ivan")) {
      assertThat(c.subscribe("doomed:a").getString("type")).isEqualTo("subscribed");
      WsClient.await(doomed.unregister());
      JsonObject refused = c.subscribe("doomed:b");
      assertThat(refused.getString("code")).isEqualTo("unavailable");
      assertThat(refused.getString("message")).contains("has no consumer on test.hooks.doomed");
    }
  }
}
