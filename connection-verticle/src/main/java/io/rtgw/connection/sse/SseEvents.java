package io.rtgw.connection.sse;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/** The text/event-stream framing: fields, one per line, and a blank line that dispatches the event. */
final class SseEvents {

  /** The keep-alive: a comment, which clients ignore but proxies see as traffic. */
  static final Buffer PING = Buffer.buffer(": ping\n\n");

  private SseEvents() {
  }

  static String retry(long ms) {
    return "retry: " + ms + "\n\n";
  }

  /** An event whose {@code data:} lines are already encoded (shared by every stream of the node). */
  static Buffer event(String type, String id, byte[] dataLines) {
    String head = "event: " + type + "\n" + (id == null ? "" : "id: " + id + "\n");
    return Buffer.buffer(head.length() + dataLines.length).appendString(head).appendBytes(dataLines);
  }

  /** An event of this stream alone, its data encoded here. */
  static Buffer event(String type, String id, String json) {
    return event(type, id, SseData.of(json.getBytes(StandardCharsets.UTF_8)));
  }
}
