package io.rtgw.service;

/** A client connected to gateway node {@code node}; {@code user} is null for an anonymous client. */
public record Connected(String user, String client, String transport, String node, long ts) {

  static Connected from(Body b) {
    b.expect("type", "connected");
    return new Connected(b.optString("user"), b.string("client"), b.string("transport"), b.string("node"), b.number("ts"));
  }
}
