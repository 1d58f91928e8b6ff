package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Position;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CursorTest {

  @Test
  void positions_survive_the_round_trip() {
    Map<String, Position> positions = new LinkedHashMap<>();
    positions.put("chat:room42", new Position("k3j2ab", 17));
    positions.put("news", new Position("x", 0));
    positions.put("feed:big", new Position("e".repeat(Cursor.MAX_EPOCH_BYTES), Long.MAX_VALUE));
    Cursor c = Cursor.parse(Cursor.encode(positions));
    assertThat(c.size()).isEqualTo(3);
    positions.forEach((channel, p) -> assertThat(c.positionOf(channel)).isEqualTo(p));
    assertThat(c.positionOf("chat:room43")).isNull();
  }

  @Test
  void the_cursor_is_url_safe_and_well_under_4_kb_for_32_long_channels() {
    Map<String, Position> positions = new LinkedHashMap<>();
    for (int i = 0; i < 32; i++) {
      String name = "chat:" + "x".repeat(150) + String.format("%05d", i);
      positions.put(name, new Position("k3j2ab", 1_000_000_000L + i));
    }
    String text = Cursor.encode(positions);
    assertThat(text).matches("[A-Za-z0-9_-]+");
    assertThat(text.length()).isLessThan(1024);
    Map<String, Position> wideEpochs = new LinkedHashMap<>();
    positions.forEach((c, p) -> wideEpochs.put(c, new Position("e".repeat(Cursor.MAX_EPOCH_BYTES), Long.MAX_VALUE)));
    assertThat(Cursor.encode(wideEpochs).length()).isLessThan(4096);
  }

  @Test
  void garbage_is_a_bad_request() {
    for (String garbage : new String[] {"", "!!!", "abc def", "AAAA", "hello-world", "%00", "x".repeat(40_000),
        Base64.getUrlEncoder().withoutPadding().encodeToString("{\"channel\":\"a\"}".getBytes(StandardCharsets.UTF_8))}) {
      assertBadRequest(garbage);
    }
  }

  @Test
  void every_single_character_edit_is_caught() {
    Map<String, Position> positions = new LinkedHashMap<>();
    positions.put("chat:a", new Position("k3j2ab", 17));
    positions.put("chat:b", new Position("k3j2ab", 300));
    String text = Cursor.encode(positions);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < text.length(); i++) {
      for (char c : new char[] {alphabet.charAt((alphabet.indexOf(text.charAt(i)) + 1) % 64),
          alphabet.charAt((alphabet.indexOf(text.charAt(i)) + 33) % 64)}) {
        assertBadRequest(text.substring(0, i) + c + text.substring(i + 1));
      }
    }
    assertBadRequest(text.substring(0, text.length() - 1));
    assertBadRequest(text + "A");
  }

  @Test
  void an_empty_stream_has_a_cursor_too() {
    assertThat(Cursor.parse(Cursor.encode(Map.of())).size()).isZero();
  }

  private static void assertBadRequest(String text) {
    assertThatThrownBy(() -> Cursor.parse(text))
        .as("cursor %s", text.length() > 60 ? text.substring(0, 60) + "..." : text)
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
          assertThat(e.getMessage()).contains("cursor");
        });
  }
}
