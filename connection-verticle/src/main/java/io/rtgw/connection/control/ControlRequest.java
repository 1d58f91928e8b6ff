package io.rtgw.connection.control;

import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A control request read and checked: every field of the op present and of its type, or a
 * {@code bad_request} with a sentence naming what is wrong.
 */
record ControlRequest(String op, String user, String client, String channel, int code, boolean reconnect) {

  static final Set<String> OPS = Set.of("disconnect", "subscribe", "unsubscribe", "connections", "count");
  /** The close code of a disconnect that names none: 4002, "disconnected by the application". */
  static final int DEFAULT_CODE = 4002;

  static ControlRequest read(Object body, GatewayConfig config) {
    if (!(body instanceof JsonObject q)) {
      throw GatewayException.badRequest("A control request must be a JSON object {\"op\": ...}.");
    }
    Object op = q.getValue("op");
    if (!(op instanceof String name) || !OPS.contains(name)) {
      throw GatewayException.badRequest("The field 'op' must be one of disconnect, subscribe, unsubscribe, "
          + "connections, count.");
    }
    String user = text(q, Fields.USER);
    String client = text(q, Fields.CLIENT);
    String channel = q.containsKey(Fields.CHANNEL) ? ChannelName.require(q.getValue(Fields.CHANNEL)) : null;
    if (channel != null) {
      config.namespaceOf(channel);
    }
    switch (name) {
      case "disconnect" -> {
        if ((user == null) == (client == null)) {
          throw GatewayException.badRequest("A disconnect names exactly one of 'user' and 'client'.");
        }
      }
      case "subscribe", "unsubscribe" -> {
        if (user == null || channel == null) {
          throw GatewayException.badRequest("A " + name + " needs 'user' and 'channel'.");
        }
      }
      case "connections" -> {
        if (user == null) {
          throw GatewayException.badRequest("A connections query needs 'user'.");
        }
      }
      default -> {
      }
    }
    Object c = q.getValue(Fields.CODE);
    int code = DEFAULT_CODE;
    if (c != null) {
      if (!(c instanceof Integer || c instanceof Long) || ((Number) c).longValue() < 4000 || ((Number) c).longValue() > 4999) {
        throw GatewayException.badRequest("The field 'code' must be a WebSocket close code from 4000 to 4999.");
      }
      code = ((Number) c).intValue();
    }
    Object r = q.getValue("reconnect");
    if (r != null && !(r instanceof Boolean)) {
      throw GatewayException.badRequest("The field 'reconnect' must be true or false.");
    }
    return new ControlRequest(name, user, client, channel, code, r == null || (Boolean) r);
  }

  /** What a connection instance is asked to do. */
  JsonObject toJson() {
    return new JsonObject().put("op", op).put(Fields.USER, user).put(Fields.CLIENT, client).put(Fields.CHANNEL, channel)
        .put(Fields.CODE, code).put("reconnect", reconnect);
  }

  private static String text(JsonObject q, String field) {
    Object v = q.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isEmpty() || s.length() > 256) {
      throw GatewayException.badRequest("The field '" + field + "' must be a non-empty string of at most 256 characters.");
    }
    return s;
  }
}
