package io.rtgw.service;

/**
 * A client is gone: it closed, was closed (slow consumer, server closed...) or its node left the
 * cluster. {@code code} is the WebSocket close code, null where there was none (SSE, poll, node left).
 */
public record Disconnected(String user, String client, String transport, String node, long ts, String reason,
                           Integer code) {

  static Disconnected from(Body b) {
    b.expect("type", "disconnected");
    return new Disconnected(b.optString("user"), b.string("client"), b.string("transport"), b.string("node"),
        b.number("ts"), b.optString("reason"), b.optInt("code"));
  }
}
