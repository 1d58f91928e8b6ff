package io.rtgw.connection.events;

import io.vertx.core.Future;

/**
 * What the control API may do to one connection, carried out by its transport, which alone knows its
 * framing: close it, and subscribe or unsubscribe it server-side (the client gets the same frames as for
 * its own commands). Called on the connection's event loop.
 */
public interface ServerSide {

  /** Closes the connection with {@code code}; {@code reconnect}: whether the client is told it may come back. */
  void disconnect(int code, boolean reconnect, String reason);

  /** Subscribes the connection to {@code channel}; true once subscribed, false if it cannot be (already, or unsupported). */
  Future<Boolean> subscribe(String channel);

  /** Unsubscribes it; true if it was subscribed. */
  boolean unsubscribe(String channel);
}
