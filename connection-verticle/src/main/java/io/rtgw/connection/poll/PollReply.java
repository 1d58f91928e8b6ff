package io.rtgw.connection.poll;

import io.rtgw.connection.Cursor;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One poll's answer as it is gathered: the messages of each channel in offset order, the channels whose
 * continuity was lost ({@code resets}), and every channel's position for the new cursor.
 */
final class PollReply {

  private static final byte[] OPEN = "{\"messages\":[".getBytes(StandardCharsets.UTF_8);

  private final Map<String, Position> positions = new LinkedHashMap<>();
  private final Map<String, List<byte[]>> messages = new HashMap<>();
  private final List<String> resets = new ArrayList<>();
  private int count;

  PollReply(List<String> channels) {
    // the cursor lists channels in the order the client named them
    for (String c : channels) {
      positions.put(c, null);
    }
  }

  Position position(String channel) {
    return positions.get(channel);
  }

  void at(String channel, Position position) {
    positions.put(channel, position);
  }

  /** A message after the channel's position; {@code json} is its message object, often shared. */
  void add(Message m, byte[] json) {
    messages.computeIfAbsent(m.channel(), c -> new ArrayList<>()).add(json);
    positions.put(m.channel(), new Position(m.epoch(), m.offset()));
    count++;
  }

  /** The channel could not be continued exactly ({@code recovered: false}); it goes on from {@code position}. */
  void reset(String channel, Position position) {
    if (!resets.contains(channel)) {
      resets.add(channel);
    }
    positions.put(channel, position);
  }

  int size() {
    return count;
  }

  /** True when the client has something to learn: messages, or a lost position. */
  boolean hasNews() {
    return count > 0 || !resets.isEmpty();
  }

  String cursor() {
    return Cursor.encode(positions);
  }

  /** {@code {"messages":[...],"cursor":"...","resets":[...]}}, the last only when a channel was reset. */
  Buffer toBuffer() {
    int size = OPEN.length + 256;
    for (List<byte[]> list : messages.values()) {
      for (byte[] m : list) {
        size += m.length + 1;
      }
    }
    Buffer out = Buffer.buffer(size).appendBytes(OPEN);
    boolean first = true;
    for (String channel : positions.keySet()) {
      for (byte[] m : messages.getOrDefault(channel, List.of())) {
        if (!first) {
          out.appendByte((byte) ',');
        }
        out.appendBytes(m);
        first = false;
      }
    }
    out.appendString("],\"cursor\":\"").appendString(cursor()).appendString("\"");
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
