package io.rtgw.connection.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.PublishResult;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WsRepliesTest {

  private final PublishResult result = new PublishResult("chat:a\"b", "k3j2", 42);

  /** The frame the hand-written form replaced: a JsonObject in the same field order. */
  private static String asJsonObject(Object id, PublishResult r) {
    JsonObject o = new JsonObject();
    if (id != null) {
      o.put("id", id);
    }
    return o.put("type", "published").put("channel", r.channel()).put("epoch", r.epoch()).put("offset", r.offset())
        .encode();
  }

  private String published(Object id) {
    return new String(WsReplies.published(id, result.channel(), result), StandardCharsets.UTF_8);
  }

  @Test
  void a_numeric_id_is_echoed_as_a_number_and_the_frame_is_the_json_object_form_byte_for_byte() {
    assertThat(published(7L)).isEqualTo(asJsonObject(7L, result))
        .isEqualTo("{\"id\":7,\"type\":\"published\",\"channel\":\"chat:a\\\"b\",\"epoch\":\"k3j2\",\"offset\":42}");
  }

  @Test
  void a_string_id_is_quoted_and_escaped() {
    assertThat(published("a\"\\\n\u00e9")).isEqualTo(asJsonObject("a\"\\\n\u00e9", result));
    assertThat(new JsonObject(published("a\"\\\n\u00e9")).getString("id")).isEqualTo("a\"\\\n\u00e9");
  }

  @Test
  void a_decimal_or_huge_id_keeps_its_digits() {
    for (String digits : new String[] {"1.50", "123456789012345678901234567890", "1E+999"}) {
      java.math.BigDecimal id = new java.math.BigDecimal(digits);
      assertThat(published(id)).isEqualTo(asJsonObject(id, result)).startsWith("{\"id\":" + id + ",");
    }
  }

  @Test
  void a_command_without_id_gets_a_reply_without_id() {
    assertThat(published(null)).isEqualTo(asJsonObject(null, result)).startsWith("{\"type\":\"published\"");
  }
}
