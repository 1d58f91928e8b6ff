package io.rtgw.service;

/** A client subscribed to a channel (of a namespace the gateway's events.namespaces covers). */
public record Subscribed(String user, String client, String channel, String node, long ts) {

  static Subscribed from(Body b) {
    b.expect("type", "subscribed");
    return new Subscribed(b.optString("user"), b.string("client"), b.string("channel"), b.string("node"), b.number("ts"));
  }
}
