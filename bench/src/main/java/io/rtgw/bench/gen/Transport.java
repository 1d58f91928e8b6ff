package io.rtgw.bench.gen;

import io.vertx.core.Future;

/** How subscribers reach a server: WebSocket, an SSE stream, or a long-poll loop. */
interface Transport {

  /** Connects {@code s} (resuming from its last position if {@code resume}); completes once subscribed. */
  Future<Void> open(Sub s, boolean resume);

  /** Drops the connection at once, as a network failure would. */
  void drop(Sub s);

  /** Sends {@code payload} to the subscriber's own channel over its own connection (chat members). */
  default void publish(Sub s, String payload) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " members cannot publish");
  }
}
