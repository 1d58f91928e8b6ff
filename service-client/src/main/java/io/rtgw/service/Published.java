package io.rtgw.service;

/** Where a publish landed: its channel's epoch and the offset it was given. */
public record Published(String channel, String epoch, long offset) {

  /** This message's position: history after it starts with the next one. */
  public Position position() {
    return new Position(epoch, offset);
  }

  static Published from(Object reply) {
    Body b = Body.answer(reply, "answer of rt.publish");
    return new Published(b.string("channel"), b.string("epoch"), b.number("offset"));
  }
}
