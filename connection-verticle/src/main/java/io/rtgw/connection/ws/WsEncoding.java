package io.rtgw.connection.ws;

import io.rtgw.connection.Encoding;
import io.rtgw.connection.Outbound;
import io.rtgw.connection.internal.WebSocketWire;

/** The WebSocket text frame's payload: {@code {"type":"message",...}} or {@code {"type":"join",...}}, UTF-8. */
final class WsEncoding extends Encoding<byte[]> {

  static final WsEncoding FRAME = new WsEncoding();

  /** The whole frame, header included, for connections written below Vert.x ({@link WebSocketWire}). */
  static final Encoding<byte[]> WIRE = new Encoding<>() {
    @Override
    protected byte[] encode(Outbound delivery) {
      return delivery.isMessage() ? MessageFrame.of(delivery.message(), true)
          : WebSocketWire.textFrame(delivery.event().wsFrame());
    }
  };

  private WsEncoding() {
  }

  @Override
  protected byte[] encode(Outbound delivery) {
    if (!delivery.isMessage()) {
      return delivery.event().wsFrame();
    }
    return MessageFrame.of(delivery.message(), false);
  }
}
