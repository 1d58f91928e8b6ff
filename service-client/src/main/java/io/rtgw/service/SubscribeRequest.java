package io.rtgw.service;

/** The gateway asks whether a client may subscribe to a channel its namespace rules already allow. */
public record SubscribeRequest(String user, String client, String channel, String transport) {

  static SubscribeRequest from(Body b) {
    b.expect("hook", "subscribe");
    return new SubscribeRequest(b.optString("user"), b.string("client"), b.string("channel"), b.optString("transport"));
  }
}
