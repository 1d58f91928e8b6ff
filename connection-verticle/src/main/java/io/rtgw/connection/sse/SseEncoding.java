package io.rtgw.connection.sse;

import io.rtgw.connection.Cursor;
import io.rtgw.connection.Encoding;
import io.rtgw.connection.Outbound;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/** The forms of a delivery on an event stream, each computed once per node ({@link Outbound#encoded}). */
final class SseEncoding {

  /**
   * The {@code data:} field of an SSE message or presence event, blank line included. The {@code event:}
   * and {@code id:} lines go before it per stream, since the id is the stream's own cursor.
   */
  static final Encoding<byte[]> DATA = new Encoding<>() {
    @Override
    protected byte[] encode(Outbound delivery) {
      return SseData.of(delivery.json());
    }
  };

  /**
   * The whole {@code message} event for a stream of this message's channel alone: its id, the cursor,
   * then holds nothing but this message's position, so every single-channel stream of the node writes the
   * same bytes and the cursor is encoded once instead of once per stream.
   */
  static final Encoding<byte[]> SINGLE_CHANNEL_EVENT = new Encoding<>() {
    @Override
    protected byte[] encode(Outbound delivery) {
      Message m = delivery.message();
      String cursor = Cursor.encode(Map.of(m.channel(), new Position(m.epoch(), m.offset())));
      byte[] head = ("event: message\nid: " + cursor + "\n").getBytes(StandardCharsets.US_ASCII);
      byte[] data = delivery.encoded(DATA);
      byte[] event = Arrays.copyOf(head, head.length + data.length);
      System.arraycopy(data, 0, event, head.length, data.length);
      return event;
    }
  };

  /**
   * {@link #SINGLE_CHANNEL_EVENT} as one HTTP/1.1 chunk (size in hex, CRLF, the event, CRLF): what a
   * stream writes below Vert.x's HTTP encoder, framed once per node instead of once per stream.
   */
  static final Encoding<byte[]> SINGLE_CHANNEL_CHUNK = new Encoding<>() {
    @Override
    protected byte[] encode(Outbound delivery) {
      byte[] event = delivery.encoded(SINGLE_CHANNEL_EVENT);
      byte[] head = (Integer.toHexString(event.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] chunk = Arrays.copyOf(head, head.length + event.length + 2);
      System.arraycopy(event, 0, chunk, head.length, event.length);
      chunk[chunk.length - 2] = '\r';
      chunk[chunk.length - 1] = '\n';
      return chunk;
    }
  };

  private SseEncoding() {
  }
}
