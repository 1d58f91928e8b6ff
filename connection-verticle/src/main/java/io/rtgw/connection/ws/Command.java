package io.rtgw.connection.ws;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Position;
import java.io.IOException;

/**
 * One client command frame, parsed and checked field by field. {@code id} is kept as the client sent it
 * (number or string) to be echoed in the reply. {@code rawData} is the raw JSON text of {@code data}, or
 * null when there is none (an explicit null is the text {@code null}); it is not in {@code body}.
 */
record Command(Object id, String type, JsonNode body, String rawData) {

  /**
   * Parses a frame; a failure carries the id when the frame got far enough to have one. The frame is
   * read as a stream: {@code data}, usually most of a publish, is checked by the parser but not built
   * into a tree, and its text goes on as the client wrote it when that is compact (no whitespace
   * between tokens), which is what a serialiser writes; otherwise it is re-encoded compact, since an SSE
   * data line must not break. Anything the stream does not take (not an object, invalid JSON, a second
   * value) is read again as a tree, for the very errors a tree read gives.
   */
  static Command parse(String text) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    String data = null;
    try (JsonParser p = Json.CLIENT_INPUT.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        root = null;
      }
      JsonToken t = null;
      while (root != null && (t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (Fields.DATA.equals(name)) {
          int start = (int) p.currentTokenLocation().getCharOffset();
          if (value.isStructStart()) {
            p.skipChildren();
          } else {
            p.finishToken();
          }
          data = compact(text, start, (int) p.currentLocation().getCharOffset());
        } else {
          root.set(name, value(p, value));
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        root = null;
      }
    } catch (IOException | RuntimeException e) {
      root = null;
    }
    return root == null ? parseTree(text) : checked(root, data);
  }

  /**
   * The value where the parser stands, as the tree read makes it: a string, an int or a long, a boolean
   * or null built at once (the command's own fields are these: type, id, channel), anything else read by
   * {@link #FIELD}, whose every call sets up a deserialization context.
   */
  private static JsonNode value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_STRING:
        return TextNode.valueOf(p.getText());
      case VALUE_NUMBER_INT:
        JsonParser.NumberType type = p.getNumberType();
        if (type == JsonParser.NumberType.INT) {
          return IntNode.valueOf(p.getIntValue());
        }
        if (type == JsonParser.NumberType.LONG) {
          return LongNode.valueOf(p.getLongValue());
        }
        return FIELD.readTree(p);
      case VALUE_TRUE:
        return BooleanNode.TRUE;
      case VALUE_FALSE:
        return BooleanNode.FALSE;
      case VALUE_NULL:
        return NullNode.getInstance();
      default:
        return FIELD.readTree(p);
    }
  }

  /** Reads one field's value where the parser stands: what follows it is the rest of the frame. */
  private static final ObjectReader FIELD = Json.CLIENT_INPUT.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The whole frame as a tree: the errors of what {@link #parse} does not take. */
  static Command parseTree(String text) {
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
    JsonNode d = root.get(Fields.DATA);
    return checked((ObjectNode) root, d == null ? null : Json.raw(d));
  }

  private static Command checked(ObjectNode root, String data) {
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
    root.remove(Fields.DATA);
    return new Command(id, type.asText(), root, data);
  }

  /**
   * {@code text[start, end)}, a JSON value the parser accepted, as is when no whitespace stands between
   * its tokens, else re-encoded compact. Inside a valid string only a space can be whitespace (control
   * characters must be escaped), so only spaces need the in-string test.
   */
  static String compact(String text, int start, int end) {
    boolean inString = false;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        try {
          return Json.raw(Json.CLIENT_INPUT.readTree(text.substring(start, end)));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("the parser accepted this value", e);
        }
      }
    }
    return text.substring(start, end);
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
    if (rawData == null) {
      throw GatewayException.badRequest("The field 'data' is missing.");
    }
    return rawData;
  }

  boolean hasData() {
    return rawData != null;
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
