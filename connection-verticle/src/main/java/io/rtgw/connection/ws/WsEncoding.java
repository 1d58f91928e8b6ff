package io.rtgw.connection.ws;

import io.rtgw.connection.Encoding;
import io.rtgw.connection.Outbound;
import io.rtgw.connection.internal.WebSocketWire;
import io.rtgw.protocol.MessageJson;
import java.nio.charset.StandardCharsets;

/** The WebSocket text frame's payload: {@code {"type":"message",...}} or {@code {"type":"join",...}}, UTF-8. */
final class WsEncoding extends Encoding<byte[]> {

  static final WsEncoding FRAME = new WsEncoding();

  /** The whole frame, header included, for connections written below Vert.x ({@link WebSocketWire}). */
  static final Encoding<byte[]> WIRE = new Encoding<>() {
    @Override
    protected byte[] encode(Outbound delivery) {
      return WebSocketWire.textFrame(FRAME.encode(delivery));
    }
  };

  private WsEncoding() {
  }

  @Override
  protected byte[] encode(Outbound delivery) {
    if (!delivery.isMessage()) {
      return delivery.event().wsFrame();
    }
    StringBuilder sb = new StringBuilder(128 + delivery.message().data().length()).append("{\"type\":\"message\",");
    return MessageJson.appendFields(sb, delivery.message()).append('}').toString().getBytes(StandardCharsets.UTF_8);
  }
}
