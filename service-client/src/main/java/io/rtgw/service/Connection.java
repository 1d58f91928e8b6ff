package io.rtgw.service;

/** One of a user's connections, on some node of the cluster, open since {@code since} (epoch ms). */
public record Connection(String client, String transport, String node, long since) {

  static Connection from(Body b) {
    return new Connection(b.string("client"), b.string("transport"), b.string("node"), b.number("since"));
  }
}
