package io.rtgw.connection.ws;

import io.rtgw.connection.internal.WebSocketWire;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Message;
import java.nio.charset.StandardCharsets;

/**
 * A message delivery's WebSocket payload, {@code {"type":"message",...}}, written as UTF-8 straight into
 * the array that goes on the wire, with room for the frame header in front when asked. Built through a
 * string it took four copies of the payload (builder, string, bytes, frame); here the data is encoded once
 * and copied once, and the short fields (channel, epoch, sender) go in without a string of their own when
 * they are plain ASCII. The bytes are those of {@link io.rtgw.protocol.MessageJson#appendFields}.
 */
final class MessageFrame {

  // the field names of MessageJson, from the same constants
  private static final byte[] START = ascii("{\"type\":\"message\",\"" + Fields.CHANNEL + "\":");
  private static final byte[] OFFSET = ascii(",\"" + Fields.OFFSET + "\":");
  private static final byte[] EPOCH = ascii(",\"" + Fields.EPOCH + "\":");
  private static final byte[] DATA = ascii(",\"" + Fields.DATA + "\":");
  private static final byte[] FROM = ascii(",\"" + Fields.FROM + "\":");
  private static final byte[] TS = ascii(",\"" + Fields.TS + "\":");

  private MessageFrame() {
  }

  /** The payload alone ({@code header} false) or the whole unmasked final text frame. */
  static byte[] of(Message m, boolean header) {
    byte[] data = m.data().getBytes(StandardCharsets.UTF_8);
    byte[] channel = escapedOrNull(m.channel());
    byte[] epoch = escapedOrNull(m.epoch());
    String from = m.from();
    byte[] fromBytes = from == null ? null : escapedOrNull(from);
    int n = START.length + quotedLength(m.channel(), channel) + OFFSET.length + digits(m.offset())
        + EPOCH.length + quotedLength(m.epoch(), epoch) + DATA.length + data.length
        + (from == null ? 0 : FROM.length + quotedLength(from, fromBytes)) + TS.length + digits(m.ts()) + 1;
    int at = header ? WebSocketWire.textHeaderLength(n) : 0;
    byte[] out = new byte[at + n];
    if (header) {
      WebSocketWire.writeTextHeader(out, n);
    }
    at = put(out, at, START);
    at = putQuoted(out, at, m.channel(), channel);
    at = put(out, at, OFFSET);
    at = putLong(out, at, m.offset());
    at = put(out, at, EPOCH);
    at = putQuoted(out, at, m.epoch(), epoch);
    at = put(out, at, DATA);
    at = put(out, at, data);
    if (from != null) {
      at = put(out, at, FROM);
      at = putQuoted(out, at, from, fromBytes);
    }
    at = put(out, at, TS);
    at = putLong(out, at, m.ts());
    out[at] = '}';
    return out;
  }

  /** Null when {@code s} is plain (printable ASCII, no quote or backslash) and goes in as it is; else its quoted UTF-8. */
  private static byte[] escapedOrNull(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        return Json.quote(s).getBytes(StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  private static int quotedLength(String s, byte[] escaped) {
    return escaped != null ? escaped.length : s.length() + 2;
  }

  private static int putQuoted(byte[] out, int at, String s, byte[] escaped) {
    if (escaped != null) {
      return put(out, at, escaped);
    }
    out[at++] = '"';
    for (int i = 0; i < s.length(); i++) {
      out[at++] = (byte) s.charAt(i);
    }
    out[at++] = '"';
    return at;
  }

  private static int put(byte[] out, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, out, at, bytes.length);
    return at + bytes.length;
  }

  static int digits(long v) {
    if (v < 0) {
      return v == Long.MIN_VALUE ? 20 : 1 + digits(-v);
    }
    int d = 1;
    for (long p = 10; d < 19 && v >= p; p *= 10) {
      d++;
    }
    return d;
  }

  private static int putLong(byte[] out, int at, long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        return put(out, at, ascii(Long.toString(v)));
      }
      out[at++] = '-';
      v = -v;
    }
    int end = at + digits(v);
    for (int i = end - 1; i >= at; i--) {
      out[i] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    return end;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
