package io.rtgw.service;

/**
 * The gateway asks whether a client may subscribe to a channel its namespace rules already allow.
 * {@code user} is null for an anonymous client, {@code client} where the transport names none.
 */
public record SubscribeRequest(String user, String client, String channel, String transport) {

  static SubscribeRequest from(Body b) {
    b.expect("hook", "subscribe");
    return new SubscribeRequest(b.optString("user"), b.optString("client"), b.string("channel"), b.optString("transport"));
  }
}
