package io.rtgw.service;

/** A user present in a channel, with how many of its clients are. */
public record Member(String user, int clients) {

  static Member from(Body b) {
    return new Member(b.string("user"), (int) b.number("clients"));
  }
}
