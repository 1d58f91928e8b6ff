package io.rtgw.connection;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One wire form of a delivery, owned by the transport that writes it (a WebSocket frame, an SSE event,
 * an HTTP/1.1 chunk). {@link Outbound#encoded} computes it at most once per delivery and node, so the
 * same bytes go to every local subscriber of the transport.
 */
public abstract class Encoding<T> {

  /** Enough for the transports there are; a slot is taken per encoding, once, at class load. */
  static final int MAX_ENCODINGS = 8;
  private static final AtomicInteger SLOTS = new AtomicInteger();

  final int slot;

  protected Encoding() {
    slot = SLOTS.getAndIncrement();
    if (slot >= MAX_ENCODINGS) {
      throw new IllegalStateException("more than " + MAX_ENCODINGS + " encodings; raise Encoding.MAX_ENCODINGS");
    }
  }

  /** The wire form of {@code delivery}; called once per delivery. */
  protected abstract T encode(Outbound delivery);
}
