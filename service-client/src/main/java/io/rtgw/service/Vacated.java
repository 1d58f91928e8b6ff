package io.rtgw.service;

/** A channel's last subscriber anywhere in the cluster is gone. */
public record Vacated(String channel, long ts) {

  static Vacated from(Body b) {
    b.expect("type", "vacated");
    return new Vacated(b.string("channel"), b.number("ts"));
  }
}
