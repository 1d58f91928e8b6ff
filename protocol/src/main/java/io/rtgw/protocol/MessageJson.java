package io.rtgw.protocol;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The message object of PROTOCOL.md as text and as a JsonObject. The text form is built by hand so the
 * hot path does one pass and no tree: the raw {@code data} is spliced in as it is.
 */
public final class MessageJson {

  private MessageJson() {
  }

  /** The message object's fields without braces, so transports can prefix their own fields. */
  public static StringBuilder appendFields(StringBuilder sb, Message m) {
    sb.append("\"channel\":").append(io.rtgw.protocol.Json.quote(m.channel()))
        .append(",\"offset\":").append(m.offset())
        .append(",\"epoch\":").append(io.rtgw.protocol.Json.quote(m.epoch()))
        .append(",\"data\":").append(m.data());
    if (m.from() != null) {
      sb.append(",\"from\":").append(io.rtgw.protocol.Json.quote(m.from()));
    }
    return sb.append(",\"ts\":").append(m.ts());
  }

  public static String toText(Message m) {
    return appendFields(new StringBuilder(96 + m.data().length()).append('{'), m).append('}').toString();
  }

  public static JsonObject toJson(Message m) {
    JsonObject o = new JsonObject()
        .put("channel", m.channel())
        .put("offset", m.offset())
        .put("epoch", m.epoch())
        .put("data", Json.decodeValue(m.data()));
    if (m.from() != null) {
      o.put("from", m.from());
    }
    return o.put("ts", m.ts());
  }
}
