package io.rtgw.protocol;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The message object of PROTOCOL.md as text and as a JsonObject. The text form is built by hand so the
 * hot path does one pass and no tree: the raw {@code data} is spliced in as it is.
 */
public final class MessageJson {

  // each field's quoted name and colon, after the comma that precedes it: constants, joined by javac
  private static final String CHANNEL = "\"" + Fields.CHANNEL + "\":";
  private static final String OFFSET = ",\"" + Fields.OFFSET + "\":";
  private static final String EPOCH = ",\"" + Fields.EPOCH + "\":";
  private static final String DATA = ",\"" + Fields.DATA + "\":";
  private static final String FROM = ",\"" + Fields.FROM + "\":";
  private static final String TS = ",\"" + Fields.TS + "\":";

  private MessageJson() {
  }

  /** The message object's fields without braces, so transports can prefix their own fields. */
  public static StringBuilder appendFields(StringBuilder sb, Message m) {
    sb.append(CHANNEL).append(io.rtgw.protocol.Json.quote(m.channel()))
        .append(OFFSET).append(m.offset())
        .append(EPOCH).append(io.rtgw.protocol.Json.quote(m.epoch()))
        .append(DATA).append(m.data());
    if (m.from() != null) {
      sb.append(FROM).append(io.rtgw.protocol.Json.quote(m.from()));
    }
    return sb.append(TS).append(m.ts());
  }

  public static String toText(Message m) {
    return appendFields(new StringBuilder(96 + m.data().length()).append('{'), m).append('}').toString();
  }

  public static JsonObject toJson(Message m) {
    JsonObject o = new JsonObject()
        .put(Fields.CHANNEL, m.channel())
        .put(Fields.OFFSET, m.offset())
        .put(Fields.EPOCH, m.epoch())
        .put(Fields.DATA, Json.decodeValue(m.data()));
    if (m.from() != null) {
      o.put(Fields.FROM, m.from());
    }
    return o.put(Fields.TS, m.ts());
  }
}
