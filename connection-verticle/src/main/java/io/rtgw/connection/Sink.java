package io.rtgw.connection;

/**
 * Where a transport takes what its subscriptions deliver: the wire side of a client. Called on the
 * client's event loop.
 */
public interface Sink {

  /** A message of a subscribed channel, in offset order with no holes. */
  void message(Outbound message);

  /** A join or leave in a subscribed channel ({@link Outbound#event()}). */
  void presence(Outbound event);

  /**
   * The channel's continuity was lost (its history was lost and a new epoch began, or a gap could not be
   * filled because history no longer reaches back): delivery continues from {@code epoch}/{@code offset}.
   */
  void reset(String channel, String epoch, long offset);

  /**
   * A catch-up could not read history to its end: the transport ends the client's connection (or answers
   * its poll) so that it comes back from the last position it got, which loses nothing.
   */
  void interrupted(String channel, Throwable cause);
}
