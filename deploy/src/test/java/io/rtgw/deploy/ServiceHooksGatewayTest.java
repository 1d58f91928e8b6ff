package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.example.ExampleService;
import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.service.ConnectAnswer;
import io.rtgw.service.ProtocolCode;
import io.rtgw.service.PublishAnswer;
import io.rtgw.service.RpcAnswer;
import io.rtgw.service.RtgwService;
import io.rtgw.service.Verdict;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hooks answered by real services on the bus: each service is a clustered Vertx of its own (a
 * Hazelcast member, as a service process would be) registering its handlers through rtgw-service-client,
 * against one clustered gateway node. The test's own service answers the connect, rpc and most
 * namespace hooks; the example-service's handlers answer the chat namespace's; a third service, started
 * by one test, leaves the cluster mid-run. One cluster for the class: a Hazelcast member takes seconds here.
 */
class ServiceHooksGatewayTest {

  /** Long enough that an answer "at once" cannot be the timeout firing. */
  private static final int LEAVING_TIMEOUT_MS = 20_000;

  private static String clusterName;
  private static String members;
  private static int leavingPort;
  private static Gateway node;
  private static Vertx serviceVertx;
  private static Vertx clients;
  private static HttpCalls http;
  private static int port;

  @BeforeAll
  static void startCluster() throws Exception {
    clusterName = "rtgw-test-" + UUID.randomUUID();
    int nodePort = Ports.free();
    int servicePort = Ports.free();
    leavingPort = Ports.free();
    members = "127.0.0.1:" + nodePort + ",127.0.0.1:" + servicePort + ",127.0.0.1:" + leavingPort;

    JsonObject conf = new JsonObject(Files.readString(Path.of("../conf/standalone.json")));
    conf.put("hooks", new JsonObject()
        .put("connect", hook("svc.hooks.connect", 1500, "refuse"))
        .put("rpc", hook("svc.hooks.rpc", 3000, "refuse")));
    JsonObject ns = conf.getJsonObject("namespaces");
    ns.put("guarded", namespace(new JsonObject().put("subscribe", hook("svc.hooks.subscribe", 1000, "refuse"))));
    ns.put("lenient", namespace(new JsonObject().put("subscribe", hook("svc.hooks.subscribe", 1000, "allow"))));
    ns.put("edited", namespace(new JsonObject().put("publish", hook("svc.hooks.publish", 3000, "refuse"))));
    ns.put("leaving", namespace(new JsonObject().put("subscribe", hook("gone.hooks.subscribe", LEAVING_TIMEOUT_MS, "refuse"))));
    ns.put("lax", namespace(new JsonObject().put("subscribe", hook("gone.hooks.subscribe", LEAVING_TIMEOUT_MS, "allow"))));
    ns.put("held", namespace(new JsonObject().put("subscribe", hook("gone.hooks.subscribe", 2000, "allow"))));
    ns.getJsonObject("chat").put("hooks", new JsonObject()
        .put("subscribe", hook(ExampleService.SUBSCRIBE, 3000, "refuse"))
        .put("publish", hook(ExampleService.PUBLISH, 3000, "refuse")));
    Path file = Files.createTempFile("rtgw-service-hooks", ".json");
    Files.writeString(file, conf.encode());
    node = WsClient.await(Gateway.start(ConfigLoader.load(file.toString(), clusteredEnv(nodePort))));
    port = node.httpPort();

    serviceVertx = member(servicePort);
    RtgwService service = RtgwService.create(serviceVertx, "hooks-svc");
    WsClient.await(Future.all(List.of(
        service.onConnect("svc.hooks.connect", r -> connect(r.user())),
        service.onSubscribe("svc.hooks.subscribe", r -> subscribe(r.channel())),
        service.onPublish("svc.hooks.publish", r -> publish(r.user(), (JsonObject) r.data())),
        service.onRpc("svc.hooks.rpc", r -> Future.succeededFuture("fail".equals(r.method())
            ? RpcAnswer.error(ProtocolCode.NOT_FOUND, "No such thing.")
            : RpcAnswer.of(new JsonObject().put("method", r.method()).put("user", r.user()).put("echo", r.data())))),
        new ExampleService(Set.of("admin"), System::currentTimeMillis)
            .register(RtgwService.create(serviceVertx, "example-service")))));
    clients = Vertx.vertx();
    http = new HttpCalls(port);
  }

  @AfterAll
  static void stopCluster() {
    if (http != null) {
      http.close();
    }
    if (clients != null) {
      WsClient.await(clients.close());
    }
    if (serviceVertx != null) {
      WsClient.await(serviceVertx.close());
    }
    if (node != null) {
      WsClient.await(node.stop());
    }
  }

  private static JsonObject hook(String address, int timeoutMs, String onFailure) {
    return new JsonObject().put("address", address).put("timeoutMs", timeoutMs).put("onFailure", onFailure);
  }

  private static JsonObject namespace(JsonObject hooks) {
    return new JsonObject().put("historySize", 100).put("hooks", hooks);
  }

  /** What TestGateways.clustered sets for a core member, over this class's file instead of the standalone one. */
  private static Map<String, String> clusteredEnv(int hazelcastPort) {
    Map<String, String> env = new HashMap<>(Map.of("GATEWAY_HTTP_HOST", "127.0.0.1", "GATEWAY_HTTP_PORT", "0",
        "GATEWAY_DEMO_TICKER", "false", "GATEWAY_HTTP_DRAIN_MS", "0"));
    env.putAll(Map.of(
        "GATEWAY_CLUSTER_ENABLED", "true",
        "GATEWAY_CLUSTER_NAME", clusterName,
        "GATEWAY_CLUSTER_PORT", String.valueOf(hazelcastPort),
        "GATEWAY_CLUSTER_MEMBERS", members,
        "GATEWAY_CLUSTER_CONFIG_FILE", "../conf/cluster.xml",
        "GATEWAY_CLUSTER_SINGLE_STATE_MEMBER", "true"));
    return env;
  }

  /** A service's member of the cluster: the gateway's cluster settings, no gateway verticles. */
  private static Vertx member(int hazelcastPort) {
    var cluster = TestGateways.clustered(clusterName, hazelcastPort, members, false).cluster();
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(cluster.busHost()).setPort(cluster.busPort());
    return WsClient.await(Vertx.builder().with(options).withClusterManager(ClusterFactory.create(cluster)).buildClustered());
  }

  /** Refuses mallory, renames hookme and subscribes it to news:hooked, never answers slowpoke. */
  private static Future<ConnectAnswer> connect(String user) {
    if ("slowpoke".equals(user)) {
      return Promise.<ConnectAnswer>promise().future();
    }
    if ("mallory".equals(user)) {
      return Future.succeededFuture(ConnectAnswer.refuse(ProtocolCode.FORBIDDEN, "Not welcome here."));
    }
    if ("hookme".equals(user)) {
      return Future.succeededFuture(ConnectAnswer.allow().withUser("u-hooked")
          .withChannels(List.of("news:hooked")).withInfo(new JsonObject().put("plan", "gold")));
    }
    return Future.succeededFuture(ConnectAnswer.allow());
  }

  /** Refuses channels ending in :secret, never answers those ending in :slow. */
  private static Future<Verdict> subscribe(String channel) {
    if (channel.endsWith(":slow")) {
      return Promise.<Verdict>promise().future();
    }
    if (channel.endsWith(":secret")) {
      return Future.succeededFuture(Verdict.refuse(ProtocolCode.FORBIDDEN, "The application keeps " + channel + " to itself."));
    }
    return Future.succeededFuture(Verdict.allow());
  }

  /** Refuses spam, publishes the text in upper case signed with the publisher. */
  private static Future<PublishAnswer> publish(String user, JsonObject data) {
    String text = data.getString("text", "");
    if (text.contains("spam")) {
      return Future.succeededFuture(PublishAnswer.refuse(ProtocolCode.FORBIDDEN, "No spam, please."));
    }
    return Future.succeededFuture(PublishAnswer.replace(new JsonObject().put("text", text.toUpperCase()).put("by", user)));
  }

  private WsClient ws(String query) {
    return WsClient.connect(clients, port, query);
  }

  @Test
  void a_connect_the_service_refuses_is_closed_with_its_sentence() {
    try (WsClient c = ws("user=mallory")) {
      assertThat(c.awaitClose()).isEqualTo((short) 1008);
      assertThat(c.socket().closeReason()).isEqualTo("Not welcome here.");
    }
    HttpCalls.Reply poll = http.get("/messages?channel=news:x&user=mallory");
    assertThat(poll.status()).isEqualTo(403);
    assertThat(poll.json().getString("message")).isEqualTo("Not welcome here.");
  }

  @Test
  void a_connect_the_service_allows_gets_the_user_and_the_channels_it_names() {
    try (WsClient c = ws("user=hookme")) {
      JsonObject connected = c.await(f -> "connected".equals(f.getString("type")));
      assertThat(connected.getString("user")).isEqualTo("u-hooked");
      c.await(f -> "subscribed".equals(f.getString("type")) && "news:hooked".equals(f.getString("channel")));
      http.post("/publish", new JsonObject().put("channel", "news:hooked").put("data", new JsonObject().put("n", 1)));
      assertThat(c.awaitMessages("news:hooked", 1).get(0).getJsonObject("data").getInteger("n")).isEqualTo(1);
    }
  }

  @Test
  void a_connect_hook_the_service_leaves_unanswered_refuses_under_refuse() {
    try (WsClient c = ws("user=slowpoke")) {
      assertThat(c.awaitClose()).isEqualTo((short) 1011);
      assertThat(c.socket().closeReason()).contains("did not answer within 1500 ms");
    }
  }

  @Test
  void a_subscribe_the_namespace_allows_is_refused_by_the_service() {
    try (WsClient c = ws("user=alice")) {
      JsonObject refused = c.subscribe("guarded:secret");
      assertThat(refused.getString("type")).isEqualTo("error");
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("message")).isEqualTo("The application keeps guarded:secret to itself.");
      assertThat(c.subscribe("guarded:open").getString("type")).isEqualTo("subscribed");
    }
  }

  @Test
  void a_subscribe_hook_the_service_leaves_unanswered_refuses_or_allows_as_configured() {
    try (WsClient c = ws("user=alice")) {
      JsonObject refused = c.subscribe("guarded:slow");
      assertThat(refused.getString("code")).isEqualTo("unavailable");
      assertThat(refused.getString("message")).contains("did not answer within 1000 ms");
      assertThat(c.subscribe("lenient:slow").getString("type")).isEqualTo("subscribed");
    }
  }

  @Test
  void a_publish_is_rewritten_or_refused_by_the_service_before_fanout() {
    try (WsClient reader = ws("user=bob"); WsClient writer = ws("user=carol")) {
      assertThat(reader.subscribe("edited:room").getString("type")).isEqualTo("subscribed");
      assertThat(writer.publish("edited:room", new JsonObject().put("text", "spam spam")).getString("code"))
          .isEqualTo("forbidden");
      assertThat(writer.publish("edited:room", new JsonObject().put("text", "hello")).getString("type"))
          .isEqualTo("published");
      JsonObject data = reader.awaitMessages("edited:room", 1).get(0).getJsonObject("data");
      assertThat(data).isEqualTo(new JsonObject().put("text", "HELLO").put("by", "carol"));
      assertThat(reader.messages("edited:room")).hasSize(1);
    }
  }

  @Test
  void an_rpc_goes_to_the_service_and_back_over_websocket_and_http() {
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
  }

  @Test
  void the_example_services_handlers_keep_chat_secret_to_admins_and_shout_in_upper_case() {
    try (WsClient admin = ws("user=admin"); WsClient bob = ws("user=bob")) {
      JsonObject refused = bob.subscribe("chat:secret");
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getString("message")).isEqualTo("Only admins may subscribe to chat:secret.");
      assertThat(admin.subscribe("chat:secret").getString("type")).isEqualTo("subscribed");
      assertThat(admin.subscribe("chat:shout").getString("type")).isEqualTo("subscribed");
      assertThat(bob.publish("chat:shout", new JsonObject().put("text", "quiet please").put("n", 3)).getString("type"))
          .isEqualTo("published");
      assertThat(admin.awaitMessages("chat:shout", 1).get(0).getJsonObject("data"))
          .isEqualTo(new JsonObject().put("text", "QUIET PLEASE").put("n", 3));
    }
  }

  @Test
  void a_service_that_leaves_the_cluster_refuses_at_once_or_allows_by_policy_and_nobody_else_notices() {
    Vertx leaving = member(leavingPort);
    AtomicInteger held = new AtomicInteger();
    try (WsClient c = ws("user=judy"); WsClient other = ws("user=kim")) {
      WsClient.await(RtgwService.create(leaving, "leaving-svc")
          .onSubscribe("gone.hooks.subscribe", r -> {
            if (r.channel().startsWith("held:")) {
              held.incrementAndGet();
              return Promise.<Verdict>promise().future();
            }
            return Future.succeededFuture(Verdict.allow());
          }));
      // the gateway sees the registration once the cluster's subscription map has it
      eventually(Duration.ofSeconds(15), Duration.ofMillis(200),
          () -> assertThat(c.subscribe("leaving:before-" + System.nanoTime()).getString("type")).isEqualTo("subscribed"));
      assertThat(other.subscribe("edited:unaffected").getString("type")).isEqualTo("subscribed");
      // a request the service holds when it leaves gets no answer: it ends at its timeout, by its policy
      c.send(new JsonObject().put("id", 77).put("type", "subscribe").put("channel", "held:x"));
      eventually(Duration.ofSeconds(10), () -> assertThat(held).hasValue(1));

      WsClient.await(leaving.close());

      // refused with "no consumer", not after the 20 s timeout; allowed under allow
      JsonObject refused = c.subscribe("leaving:after");
      assertThat(refused.getString("code")).isEqualTo("unavailable");
      assertThat(refused.getString("message")).contains("has no consumer on gone.hooks.subscribe");
      assertThat(c.subscribe("lax:after").getString("type")).isEqualTo("subscribed");
      JsonObject heldAnswer = c.await(f -> Long.valueOf(77).equals(f.getLong("id")));
      assertThat(heldAnswer.getString("type")).isEqualTo("subscribed");
      // the other service's hooks and the other client go on as before
      assertThat(other.publish("edited:unaffected", new JsonObject().put("text", "still here")).getString("type"))
          .isEqualTo("published");
      assertThat(other.awaitMessages("edited:unaffected", 1).get(0).getJsonObject("data").getString("text"))
          .isEqualTo("STILL HERE");
      assertThat(c.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    } finally {
      WsClient.await(leaving.close());
    }
  }
}
