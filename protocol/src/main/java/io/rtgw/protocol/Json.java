package io.rtgw.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The one Jackson mapper of the gateway (thread-safe once configured) and raw-JSON helpers. */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * What reads client input: one JSON value and nothing after it (a second object in a frame or a body
   * is refused, not silently dropped), and decimals kept exactly as written, so an id such as
   * {@code 1e999} comes back as a number, not as {@code "Infinity"}.
   */
  public static final com.fasterxml.jackson.databind.ObjectReader CLIENT_INPUT = MAPPER.reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private Json() {
  }

  /** JSON text of any tree, for a {@code data} value kept raw. */
  public static String raw(JsonNode node) {
    // decimals as written: a BigDecimal prints its own digits, not a double's nearest neighbour
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed tree always serialises", e);
    }
  }

  /** A JSON string literal with its quotes, escaped as needed. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    JsonStringEncoder.getInstance().quoteAsString(s, sb);
    return sb.append('"').toString();
  }

  /** Reads any JSON value as its raw text, so {@code data} passes through untouched. */
  public static final class RawDeserializer extends JsonDeserializer<String> {
    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode node = p.readValueAsTree();
      return raw(node);
    }

    @Override
    public String getNullValue(DeserializationContext ctxt) {
      return "null";
    }
  }
}
