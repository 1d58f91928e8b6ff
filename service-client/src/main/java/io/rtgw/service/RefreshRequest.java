package io.rtgw.service;

import io.vertx.core.json.JsonObject;

/** The gateway asks, before a connect-hook identity expires, whether the connection may stay. */
public record RefreshRequest(String user, String client, JsonObject info) {

  static RefreshRequest from(Body b) {
    b.expect("hook", "refresh");
    return new RefreshRequest(b.optString("user"), b.optString("client"), b.optObject("info"));
  }
}
