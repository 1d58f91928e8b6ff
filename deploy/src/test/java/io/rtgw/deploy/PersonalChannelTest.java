package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.Offsets;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Personal channels user:<id>: subscribed automatically, private to their user, an offline inbox. */
class PersonalChannelTest {

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone();

  @Test
  void an_identified_connection_is_subscribed_to_its_inbox_and_receives_direct_messages() {
    try (WsClient alice = gateway.ws("user=alice"); WsClient bob = gateway.ws("user=bob")) {
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
    try (WsClient anon = gateway.ws(null); WsClient mallory = gateway.ws("user=mallory")) {
      assertThat(anon.subscribe("user:alice").getString("code")).isEqualTo("forbidden");
      assertThat(mallory.subscribe("user:alice").getString("code")).isEqualTo("forbidden");
      anon.request(new JsonObject().put("type", "ping"));
      assertThat(anon.frames(f -> "subscribed".equals(f.getString("type")))).isEmpty();
    }
  }
}
