package io.rtgw.service;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The gateway asks whether a client may connect. {@code user} and {@code claims} are the verified
 * identity, both null for an anonymous client; {@code headers} holds the request headers the gateway's
 * hook configuration names (lower case), those present.
 */
public record ConnectRequest(String transport, String user, JsonObject claims, String ip,
                             Map<String, String> headers, String client) {

  public ConnectRequest {
    headers = Map.copyOf(headers);
  }

  static ConnectRequest from(Body b) {
    b.expect("hook", "connect");
    return new ConnectRequest(b.string("transport"), b.optString("user"), b.optObject("claims"), b.optString("ip"),
        b.strings("headers"), b.optString("client"));
  }
}
