package io.rtgw.connection.sse;

import java.io.ByteArrayOutputStream;

/** The {@code data:} lines of a Server-Sent Event carrying a UTF-8 payload. */
final class SseData {

  private static final byte[] FIELD = {'d', 'a', 't', 'a', ':', ' '};

  private SseData() {
  }

  /**
   * {@code data: <payload>} and the blank line that ends the event. Compact JSON never holds a raw line
   * break, but should a payload carry one it is split over several {@code data:} lines, which the client
   * joins back with the same line break, instead of cutting the event short.
   */
  static byte[] of(byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 16);
    out.write(FIELD, 0, FIELD.length);
    for (int i = 0; i < payload.length; i++) {
      byte b = payload[i];
      if (b == '\r') {
        if (i + 1 < payload.length && payload[i + 1] == '\n') {
          i++;
        }
        out.write('\n');
        out.write(FIELD, 0, FIELD.length);
      } else if (b == '\n') {
        out.write('\n');
        out.write(FIELD, 0, FIELD.length);
      } else {
        out.write(b);
      }
    }
    out.write('\n');
    out.write('\n');
    return out.toByteArray();
  }
}
