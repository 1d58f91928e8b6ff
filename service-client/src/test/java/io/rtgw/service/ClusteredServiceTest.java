package io.rtgw.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service and a "gateway" in two clustered Vertx instances (Hazelcast, TCP-IP on 127.0.0.1): the
 * gateway side of hooks, events and control is not built yet, so this test plays it exactly as
 * /work/notes/hooks-spec.md says: it sends the spec's hook requests to the addresses the service
 * registered and checks the answers' JSON, publishes the spec's event bodies, and answers rt.control as
 * the spec does while checking what the helper asked. Started once for the class: a Hazelcast member
 * takes seconds to start here.
 */
class ClusteredServiceTest {

  private static Vertx gateway;
  private static Vertx serviceVertx;
  private static RtgwService service;

  @BeforeAll
  static void startCluster() {
    String name = "rtgw-service-test-" + UUID.randomUUID();
    int gatewayPort = Await.freePort();
    int servicePort = Await.freePort();
    List<String> members = List.of("127.0.0.1:" + gatewayPort, "127.0.0.1:" + servicePort);
    gateway = TestCluster.member(name, gatewayPort, members);
    serviceVertx = TestCluster.member(name, servicePort, members);
    service = RtgwService.create(serviceVertx, "test-svc");
  }

  @AfterAll
  static void stopCluster() {
    if (serviceVertx != null) {
      Await.result(serviceVertx.close());
    }
    if (gateway != null) {
      Await.result(gateway.close());
    }
  }

  /** What the gateway does with a hook: a request to the configured address, the JSON answer back. */
  private static JsonObject ask(String address, JsonObject request) {
    return Await.result(gateway.eventBus().<JsonObject>request(address, request)).body();
  }

  @Test
  void the_connect_hook_allows_named_users_with_info_and_channels_and_refuses_anonymous_ones() {
    Await.result(service.onConnect("app.hooks.connect", r -> {
      if (r.user() == null) {
        return Future.succeededFuture(ConnectAnswer.refuse(ProtocolCode.UNAUTHORIZED, "Sign in first."));
      }
      return Future.succeededFuture(ConnectAnswer.allow().withUser(r.user() + "@" + r.transport())
          .withInfo(new JsonObject().put("ip", r.ip()).put("fwd", r.headers().get("x-forwarded-for"))
              .put("role", r.claims().getString("role")))
          .withChannels(List.of("user:" + r.user(), "news:" + r.client())).withExpiresAt(1_900_000_000_000L));
    }));
    JsonObject allowed = ask("app.hooks.connect", new JsonObject().put("hook", "connect").put("transport", "ws")
        .put("user", "u1").put("claims", new JsonObject().put("role", "admin")).put("ip", "10.0.0.7")
        .put("headers", new JsonObject().put("x-forwarded-for", "1.2.3.4")).put("client", "c-17"));
    assertThat(allowed).isEqualTo(new JsonObject().put("allow", true).put("user", "u1@ws")
        .put("info", new JsonObject().put("ip", "10.0.0.7").put("fwd", "1.2.3.4").put("role", "admin"))
        .put("channels", new JsonArray().add("user:u1").add("news:c-17")).put("expiresAt", 1_900_000_000_000L));
    JsonObject refused = ask("app.hooks.connect", new JsonObject().put("hook", "connect").put("transport", "sse")
        .put("user", null).put("claims", null).put("ip", "10.0.0.8").put("headers", new JsonObject()).put("client", "c-18"));
    assertThat(refused).isEqualTo(new JsonObject().put("allow", false).put("code", "unauthorized").put("message", "Sign in first."));
  }

  @Test
  void the_subscribe_hook_answers_allow_or_refuse_per_channel() {
    Await.result(service.onSubscribe("app.hooks.subscribe", r -> Future.succeededFuture(
        r.channel().endsWith(":secret") && !"root".equals(r.user())
            ? Verdict.refuse(ProtocolCode.FORBIDDEN, "Only root reads " + r.channel() + ".")
            : Verdict.allow())));
    JsonObject request = new JsonObject().put("hook", "subscribe").put("client", "c1").put("transport", "ws");
    assertThat(ask("app.hooks.subscribe", request.copy().put("user", "bob").put("channel", "chat:secret")))
        .isEqualTo(new JsonObject().put("allow", false).put("code", "forbidden").put("message", "Only root reads chat:secret."));
    assertThat(ask("app.hooks.subscribe", request.copy().put("user", "root").put("channel", "chat:secret")))
        .isEqualTo(new JsonObject().put("allow", true));
    assertThat(ask("app.hooks.subscribe", request.copy().put("user", "bob").put("channel", "chat:lobby")))
        .isEqualTo(new JsonObject().put("allow", true));
  }

  @Test
  void the_publish_hook_replaces_data_keeps_it_or_refuses() {
    Await.result(service.onPublish("app.hooks.publish", r -> {
      if (r.data() instanceof String s) {
        return Future.succeededFuture(PublishAnswer.replace(s.toUpperCase() + " (" + r.user() + ")"));
      }
      if (r.data() == null) {
        return Future.succeededFuture(PublishAnswer.refuse(ProtocolCode.BAD_REQUEST, "Say something."));
      }
      return Future.succeededFuture(PublishAnswer.allow());
    }));
    JsonObject request = new JsonObject().put("hook", "publish").put("user", "ann").put("client", "c2").put("channel", "chat:shout");
    assertThat(ask("app.hooks.publish", request.copy().put("data", "hello")))
        .isEqualTo(new JsonObject().put("allow", true).put("data", "HELLO (ann)"));
    assertThat(ask("app.hooks.publish", request.copy().put("data", new JsonObject().put("n", 1))))
        .isEqualTo(new JsonObject().put("allow", true));
    assertThat(ask("app.hooks.publish", request.copy().put("data", null)))
        .isEqualTo(new JsonObject().put("allow", false).put("code", "bad_request").put("message", "Say something."));
  }

  @Test
  void the_refresh_hook_extends_with_new_info_or_refuses() {
    Await.result(service.onRefresh("app.hooks.refresh", r -> Future.succeededFuture("banned".equals(r.user())
        ? RefreshAnswer.refuse(ProtocolCode.FORBIDDEN, "Banned.")
        : RefreshAnswer.extend(2_000_000_000_000L).withInfo(r.info().copy().put("refreshed", true)))));
    JsonObject request = new JsonObject().put("hook", "refresh").put("client", "c3").put("info", new JsonObject().put("room", 4));
    assertThat(ask("app.hooks.refresh", request.copy().put("user", "u3"))).isEqualTo(new JsonObject().put("allow", true)
        .put("expiresAt", 2_000_000_000_000L).put("info", new JsonObject().put("room", 4).put("refreshed", true)));
    assertThat(ask("app.hooks.refresh", request.copy().put("user", "banned")))
        .isEqualTo(new JsonObject().put("allow", false).put("code", "forbidden").put("message", "Banned."));
  }

  @Test
  void an_rpc_round_trip_answers_data_or_the_protocol_error() {
    Await.result(service.onRpc("app.hooks.rpc", r -> Future.succeededFuture(switch (r.method()) {
      case "echo" -> RpcAnswer.of(new JsonObject().put("user", r.user()).put("got", r.data()));
      default -> RpcAnswer.error(ProtocolCode.NOT_FOUND, "No method '" + r.method() + "'.");
    })));
    JsonObject request = new JsonObject().put("hook", "rpc").put("user", "u4").put("client", "c4");
    assertThat(ask("app.hooks.rpc", request.copy().put("method", "echo").put("data", new JsonArray().add(1).add(2))))
        .isEqualTo(new JsonObject().put("data", new JsonObject().put("user", "u4").put("got", new JsonArray().add(1).add(2))));
    // POST /rpc: no connection, so no client id
    assertThat(ask("app.hooks.rpc", new JsonObject().put("hook", "rpc").put("user", "u9").putNull("client")
        .put("method", "echo").put("data", 3))).isEqualTo(new JsonObject().put("data", new JsonObject().put("user", "u9").put("got", 3)));
    assertThat(ask("app.hooks.rpc", request.copy().put("method", "nope").put("data", null))).isEqualTo(new JsonObject()
        .put("error", new JsonObject().put("code", "not_found").put("message", "No method 'nope'.")));
  }

  @Test
  void every_lifecycle_event_arrives_as_its_record() {
    LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    Await.result(Future.all(List.of(service.onConnected(events::add), service.onDisconnected(events::add),
        service.onSubscribed(events::add), service.onUnsubscribed(events::add), service.onOccupied(events::add),
        service.onVacated(events::add))));
    var bus = gateway.eventBus();
    bus.publish("rt.events.connected", new JsonObject().put("type", "connected").put("user", "u5").put("client", "c5")
        .put("transport", "ws").put("node", "n1").put("ts", 11));
    assertThat(Await.next(events)).isEqualTo(new Connected("u5", "c5", "ws", "n1", 11));
    bus.publish("rt.events.subscribed", new JsonObject().put("type", "subscribed").put("user", "u5").put("client", "c5")
        .put("channel", "chat:a").put("node", "n1").put("ts", 12));
    assertThat(Await.next(events)).isEqualTo(new Subscribed("u5", "c5", "chat:a", "n1", 12));
    bus.publish("rt.events.occupied", new JsonObject().put("type", "occupied").put("channel", "chat:a").put("ts", 13));
    assertThat(Await.next(events)).isEqualTo(new Occupied("chat:a", 13));
    bus.publish("rt.events.unsubscribed", new JsonObject().put("type", "unsubscribed").put("user", null).put("client", "c6")
        .put("channel", "chat:a").put("node", "n2").put("ts", 14));
    assertThat(Await.next(events)).isEqualTo(new Unsubscribed(null, "c6", "chat:a", "n2", 14));
    bus.publish("rt.events.vacated", new JsonObject().put("type", "vacated").put("channel", "chat:a").put("ts", 15));
    assertThat(Await.next(events)).isEqualTo(new Vacated("chat:a", 15));
    bus.publish("rt.events.disconnected", new JsonObject().put("type", "disconnected").put("user", "u5").put("client", "c5")
        .put("transport", "ws").put("node", "n1").put("ts", 16).put("reason", "slow consumer").put("code", 4000));
    assertThat(Await.next(events)).isEqualTo(new Disconnected("u5", "c5", "ws", "n1", 16, "slow consumer", 4000));
    bus.publish("rt.events.disconnected", new JsonObject().put("type", "disconnected").put("user", "u7").put("client", "c7")
        .put("transport", "sse").put("node", "n3").put("ts", 17).put("reason", "node left").put("code", null));
    assertThat(Await.next(events)).isEqualTo(new Disconnected("u7", "c7", "sse", "n3", 17, "node left", null));
  }

  @Test
  void control_ops_send_the_spec_requests_and_read_the_spec_answers() {
    // the gateway's side of rt.control over a table of who is connected where, as the spec answers
    Map<String, List<JsonObject>> connections = Map.of(
        "u1", List.of(new JsonObject().put("client", "c1").put("transport", "ws").put("node", "n1").put("since", 100),
            new JsonObject().put("client", "c2").put("transport", "sse").put("node", "n2").put("since", 200)));
    LinkedBlockingQueue<JsonObject> asked = new LinkedBlockingQueue<>();
    var control = gateway.eventBus().<JsonObject>consumer("rt.control", msg -> {
      JsonObject q = msg.body();
      asked.add(q);
      List<JsonObject> of = connections.getOrDefault(q.getString("user", ""), List.of());
      switch (q.getString("op", "")) {
        // a client disconnect and the cluster-wide count answer as a gateway whose instance was too slow does
        case "disconnect" -> msg.reply(q.containsKey("client") ? new JsonObject().put("disconnected", 1).put("incomplete", true)
            : new JsonObject().put("disconnected", of.size()));
        case "subscribe", "unsubscribe" -> reply(msg, q, of.size());
        case "connections" -> msg.reply(new JsonObject().put("connections", new JsonArray(List.copyOf(of))));
        case "count" -> msg.reply(q.containsKey("channel") ? new JsonObject().put("connections", 2).put("subscribers", 1)
            : new JsonObject().put("connections", 2).put("subscribers", 5).put("incomplete", true));
        default -> msg.fail(400, "Unknown op.");
      }
    });
    Await.result(control.completion());
    try {
      assertThat(Await.result(service.disconnect("u1", 4001, false))).isEqualTo(new Affected(2, false));
      assertThat(Await.next(asked)).isEqualTo(new JsonObject().put("op", "disconnect").put("user", "u1").put("code", 4001).put("reconnect", false));
      assertThat(Await.result(service.disconnect("u1"))).isEqualTo(new Affected(2, false));
      assertThat(Await.next(asked)).isEqualTo(new JsonObject().put("op", "disconnect").put("user", "u1"));
      assertThat(Await.result(service.disconnectClient("c2", null, true))).isEqualTo(new Affected(1, true));
      assertThat(Await.next(asked)).isEqualTo(new JsonObject().put("op", "disconnect").put("client", "c2").put("reconnect", true));
      assertThat(Await.result(service.subscribe("u1", "news:x"))).isEqualTo(new Affected(2, false));
      assertThat(Await.next(asked)).isEqualTo(new JsonObject().put("op", "subscribe").put("user", "u1").put("channel", "news:x"));
      assertThat(Await.result(service.unsubscribe("nobody", "news:x"))).isEqualTo(new Affected(0, false));
      assertThat(Await.next(asked)).isEqualTo(new JsonObject().put("op", "unsubscribe").put("user", "nobody").put("channel", "news:x"));
      assertThat(Await.result(service.connections("u1"))).isEqualTo(new UserConnections(List.of(
          new Connection("c1", "ws", "n1", 100), new Connection("c2", "sse", "n2", 200)), false));
      assertThat(Await.next(asked)).isEqualTo(new JsonObject().put("op", "connections").put("user", "u1"));
      assertThat(Await.result(service.count("news:x"))).isEqualTo(new Counts(2, 1, false));
      assertThat(Await.next(asked)).isEqualTo(new JsonObject().put("op", "count").put("channel", "news:x"));
      assertThat(Await.result(service.count(null))).isEqualTo(new Counts(2, 5, true));
      assertThat(Await.next(asked)).isEqualTo(new JsonObject().put("op", "count"));
      RtgwException refused = (RtgwException) Await.failure(service.subscribe("u1", "bad channel"));
      assertThat(refused.code()).isEqualTo(ProtocolCode.BAD_REQUEST);
      assertThat(refused.getMessage()).isEqualTo("The channel name 'bad channel' is not valid.");
    } finally {
      Await.result(control.unregister());
    }
  }

  private static void reply(Message<JsonObject> msg, JsonObject q, int n) {
    if (q.getString("channel").contains(" ")) {
      msg.fail(400, "The channel name '" + q.getString("channel") + "' is not valid.");
    } else {
      msg.reply(new JsonObject().put("connections", n));
    }
  }

  @Test
  void a_hook_failure_crosses_the_cluster_with_its_status() {
    Await.result(service.onSubscribe("app.hooks.failing", r -> Future.failedFuture(
        new RtgwException(ProtocolCode.UNAVAILABLE, "Permissions store is down."))));
    Throwable e = Await.failure(gateway.eventBus().request("app.hooks.failing", new JsonObject().put("hook", "subscribe")
        .put("user", "u").put("client", "c").put("channel", "chat:a").put("transport", "ws")));
    assertThat(((ReplyException) e).failureCode()).isEqualTo(503);
    assertThat(e.getMessage()).isEqualTo("Permissions store is down.");
  }
}
