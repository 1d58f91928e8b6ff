package io.rtgw.deploy;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Control API calls a test makes on a gateway's bus, as an application would. */
final class LifecycleEventsTestSupport {

  private LifecycleEventsTestSupport() {
  }

  static JsonObject control(GatewayExtension gateway, JsonObject request) {
    return WsClient.await(gateway.vertx().eventBus().<JsonObject>request(Addresses.CONTROL, request)).body();
  }

  static JsonObject count(GatewayExtension gateway, String channel) {
    return control(gateway, new JsonObject().put("op", "count").put("channel", channel));
  }

  static JsonArray connections(GatewayExtension gateway, String user) {
    return control(gateway, new JsonObject().put("op", "connections").put("user", user)).getJsonArray("connections");
  }
}
