package io.rtgw.connection.poll;

import io.rtgw.connection.Cursor;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Position;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One poll's answer as it is gathered: the messages of each channel in offset order and the channels
 * whose continuity was lost ({@code resets}); the positions for the new cursor are given when it is
 * written.
 */
final class PollReply {

  private static final byte[] OPEN = "{\"messages\":[".getBytes(StandardCharsets.UTF_8);

  private final List<String> channels;
  /** Made on the first message or reset: most held polls end with neither (204), and there are many. */
  private Map<String, List<byte[]>> messages = Map.of();
  private List<String> resets = List.of();
  private int count;

  PollReply(List<String> channels) {
    this.channels = channels;
  }

  /** A message of {@code channel}; {@code json} is its message object, often shared. */
  void add(String channel, byte[] json) {
    if (count == 0) {
      messages = new HashMap<>();
    }
    messages.computeIfAbsent(channel, c -> new ArrayList<>()).add(json);
    count++;
  }

  /** The channel could not be continued exactly ({@code recovered: false}). */
  void reset(String channel) {
    if (resets.isEmpty()) {
      resets = new ArrayList<>(2);
    }
    if (!resets.contains(channel)) {
      resets.add(channel);
    }
  }

  int size() {
    return count;
  }

  /** True when the client has something to learn: messages, or a lost position. */
  boolean hasNews() {
    return count > 0 || !resets.isEmpty();
  }

  /**
   * {@code {"messages":[...],"cursor":"...","resets":[...]}}, the last only when a channel was reset; the
   * messages and the cursor list channels in the order the client named them.
   */
  Buffer toBuffer(Map<String, Position> positions) {
    int size = OPEN.length + 256;
    for (List<byte[]> list : messages.values()) {
      for (byte[] m : list) {
        size += m.length + 1;
      }
    }
    Buffer out = Buffer.buffer(size).appendBytes(OPEN);
    boolean first = true;
    Map<String, Position> ordered = new java.util.LinkedHashMap<>();
    for (String channel : channels) {
      ordered.put(channel, positions.get(channel));
      for (byte[] m : messages.getOrDefault(channel, List.of())) {
        if (!first) {
          out.appendByte((byte) ',');
        }
        out.appendBytes(m);
        first = false;
      }
    }
    out.appendString("],\"cursor\":\"").appendString(Cursor.encode(ordered)).appendString("\"");
    if (!resets.isEmpty()) {
      out.appendString(",\"resets\":[");
      for (int i = 0; i < resets.size(); i++) {
        out.appendString(i == 0 ? "" : ",").appendString(Json.quote(resets.get(i)));
      }
      out.appendString("]");
    }
    return out.appendString("}");
  }
}
