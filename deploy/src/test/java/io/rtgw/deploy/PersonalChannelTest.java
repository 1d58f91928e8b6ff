package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Personal channels user:<id>: subscribed automatically, private to their user, an offline inbox. */
class PersonalChannelTest {

  private static Gateway gateway;
  private static Vertx clients;

  @BeforeAll
  static void start() {
    gateway = TestGateways.start();
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    WsClient.await(clients.close());
    WsClient.await(gateway.stop());
  }

  private WsClient connect(String query) {
    return WsClient.connect(clients, gateway.httpPort(), query);
  }

  @Test
  void an_identified_connection_is_subscribed_to_its_inbox_and_receives_direct_messages() {
    try (WsClient alice = connect("user=alice"); WsClient bob = connect("user=bob")) {
      JsonObject auto = alice.await(f -> "subscribed".equals(f.getString("type")) && "user:alice".equals(f.getString("channel")));
      assertThat(auto.containsKey("id")).isFalse();
      JsonObject sent = bob.publish("user:alice", new JsonObject().put("text", "psst"));
      assertThat(sent.getString("type")).isEqualTo("published");
      JsonObject dm = alice.awaitMessages("user:alice", 1).get(0);
      assertThat(dm.getString("from")).isEqualTo("bob");
      assertThat(dm.getJsonObject("data").getString("text")).isEqualTo("psst");
    }
  }

  @Test
  void only_the_owner_may_subscribe_and_anonymous_clients_have_no_inbox() {
    try (WsClient anon = connect(null); WsClient mallory = connect("user=mallory")) {
      assertThat(anon.subscribe("user:alice").getString("code")).isEqualTo("forbidden");
      assertThat(mallory.subscribe("user:alice").getString("code")).isEqualTo("forbidden");
      anon.request(new JsonObject().put("type", "ping"));
      assertThat(anon.frames(f -> "subscribed".equals(f.getString("type")))).isEmpty();
    }
  }
}
