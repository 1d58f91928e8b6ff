package io.rtgw.service;

/** A channel got its first subscriber anywhere in the cluster. */
public record Occupied(String channel, long ts) {

  static Occupied from(Body b) {
    b.expect("type", "occupied");
    return new Occupied(b.string("channel"), b.number("ts"));
  }
}
