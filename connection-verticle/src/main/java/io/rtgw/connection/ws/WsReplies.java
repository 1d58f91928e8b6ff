package io.rtgw.connection.ws;

import io.rtgw.protocol.Fields;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.PublishResult;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * The replies sent once per publish, written straight to UTF-8 text: the publish path's fixed cost is paid
 * per message, and a JsonObject, its Jackson generator and the buffer copy were a good part of it. The
 * fields and their order are those the JsonObject form had.
 */
final class WsReplies {

  private static final String PUBLISHED = "\"" + Fields.TYPE + "\":\"published\",\"" + Fields.CHANNEL + "\":";
  private static final String EPOCH = ",\"" + Fields.EPOCH + "\":";
  private static final String OFFSET = ",\"" + Fields.OFFSET + "\":";

  private WsReplies() {
  }

  /** {@code {"id":..,"type":"published","channel":..,"epoch":..,"offset":..}}; no id when the command had none. */
  static byte[] published(Object id, String channel, PublishResult r) {
    StringBuilder sb = new StringBuilder(80 + channel.length()).append('{');
    if (id != null) {
      sb.append('"').append(Fields.ID).append("\":");
      appendId(sb, id).append(',');
    }
    sb.append(PUBLISHED).append(Json.quote(channel)).append(EPOCH).append(Json.quote(r.epoch()))
        .append(OFFSET).append(r.offset()).append('}');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** An id as Command kept it: a long, a decimal echoed with its digits, or a string. */
  private static StringBuilder appendId(StringBuilder sb, Object id) {
    if (id instanceof Long n) {
      return sb.append(n.longValue());
    }
    if (id instanceof BigDecimal d) {
      // as Jackson writes a BigDecimal: its toString
      return sb.append(d);
    }
    return sb.append(Json.quote(String.valueOf(id)));
  }
}
