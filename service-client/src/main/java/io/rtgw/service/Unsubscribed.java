package io.rtgw.service;

/** A client left a channel, by unsubscribing or disconnecting. */
public record Unsubscribed(String user, String client, String channel, String node, long ts) {

  static Unsubscribed from(Body b) {
    b.expect("type", "unsubscribed");
    return new Unsubscribed(b.optString("user"), b.string("client"), b.string("channel"), b.string("node"), b.number("ts"));
  }
}
