package io.rtgw.connection.ws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Position;

/**
 * One client command frame, parsed and checked field by field. {@code id} is kept as the client sent it
 * (number or string) to be echoed in the reply.
 */
record Command(Object id, String type, JsonNode body) {

  /** Parses a frame; a failure carries the id when the frame got far enough to have one. */
  static Command parse(String text) {
    JsonNode root;
    try {
      root = Json.CLIENT_INPUT.readTree(text);
    } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
      throw new CommandException(null, GatewayException.badRequest(e.getMessage() != null
          && e.getMessage().contains("Trailing token")
          ? "The frame holds more than one JSON value; send one command per frame." : "The frame is not valid JSON."));
    } catch (JsonProcessingException e) {
      throw new CommandException(null, GatewayException.badRequest("The frame is not valid JSON."));
    }
    if (root == null || !root.isObject()) {
      throw new CommandException(null, GatewayException.badRequest("A command must be a JSON object."));
    }
    Object id = null;
    JsonNode idNode = root.get(Fields.ID);
    if (idNode != null && !idNode.isNull()) {
      if (idNode.isIntegralNumber() && idNode.canConvertToLong()) {
        id = idNode.asLong();
      } else if (idNode.isNumber()) {
        // echoed as sent: a decimal or a huge integer keeps its digits
        id = idNode.decimalValue();
      } else if (idNode.isTextual()) {
        id = idNode.asText();
      } else {
        throw new CommandException(null, GatewayException.badRequest("The field 'id' must be a number or a string."));
      }
    }
    JsonNode type = root.get(Fields.TYPE);
    if (type == null || !type.isTextual()) {
      throw new CommandException(id, GatewayException.badRequest("The field 'type' is missing or not a string."));
    }
    return new Command(id, type.asText(), root);
  }

  String channel() {
    JsonNode c = body.get(Fields.CHANNEL);
    return ChannelName.require(c == null || c.isNull() ? null : c.isTextual() ? c.asText() : c);
  }

  /** {@code since}, or null when absent. */
  Position since() {
    JsonNode s = body.get(Fields.SINCE);
    if (s == null || s.isNull()) {
      return null;
    }
    JsonNode epoch = s.get(Fields.EPOCH);
    JsonNode offset = s.get(Fields.OFFSET);
    if (!s.isObject() || epoch == null || !epoch.isTextual() || offset == null || !offset.canConvertToLong()
        || !offset.isIntegralNumber() || offset.asLong() < 0) {
      throw GatewayException.badRequest("The field 'since' must be {\"epoch\": string, \"offset\": number of 0 or more}.");
    }
    return new Position(epoch.asText(), offset.asLong());
  }

  String optionalString(String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw GatewayException.badRequest("The field '" + field + "' must be a string.");
    }
    return n.asText();
  }

  /** A string field that must be there. */
  String requiredString(String field) {
    String value = optionalString(field);
    if (value == null) {
      throw GatewayException.badRequest("The field '" + field + "' is missing.");
    }
    return value;
  }

  /** {@code limit}, or null when absent (the request's default applies). */
  Long limit() {
    JsonNode n = body.get(Fields.LIMIT);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 0) {
      throw GatewayException.badRequest("The field 'limit' must be a whole number of 0 or more.");
    }
    return n.asLong();
  }

  /** The raw JSON text of {@code data}; a missing field is an error, an explicit null is data. */
  String data() {
    JsonNode n = body.get(Fields.DATA);
    if (n == null) {
      throw GatewayException.badRequest("The field 'data' is missing.");
    }
    return Json.raw(n);
  }

  /** A parse failure with whatever id could be read. */
  static final class CommandException extends RuntimeException {
    final Object id;
    final GatewayException error;

    CommandException(Object id, GatewayException error) {
      super(error.getMessage(), null, false, false);
      this.id = id;
      this.error = error;
    }
  }
}
