package io.rtgw.connection.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.connection.Cursor;
import io.rtgw.connection.Outbound;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SseEncodingTest {

  private final Message message = new Message("chat:a", 7, "k3j2", "{\"text\":\"hi\"}", "alice", 1763800000000L);

  @Test
  void the_data_form_is_one_data_line_and_the_blank_line_that_ends_the_event() {
    Outbound out = new Outbound(message);
    String sse = new String(out.encoded(SseEncoding.DATA), StandardCharsets.UTF_8);
    assertThat(sse).startsWith("data: {\"channel\":\"chat:a\"").endsWith("}\n\n");
    assertThat(sse.chars().filter(c -> c == '\n').count()).isEqualTo(2);
    assertThat(out.encoded(SseEncoding.DATA)).isSameAs(out.encoded(SseEncoding.DATA));
  }

  @Test
  void a_single_channel_stream_event_carries_the_cursor_of_that_one_position_and_is_encoded_once() {
    Outbound out = new Outbound(message);
    String event = new String(out.encoded(SseEncoding.SINGLE_CHANNEL_EVENT), StandardCharsets.UTF_8);
    String id = event.substring(event.indexOf("id: ") + 4, event.indexOf('\n', event.indexOf("id: ")));
    assertThat(event).isEqualTo("event: message\nid: " + id + "\n"
        + new String(out.encoded(SseEncoding.DATA), StandardCharsets.UTF_8));
    assertThat(Cursor.parse(id).positionOf("chat:a")).isEqualTo(new Position("k3j2", 7));
    assertThat(id).isEqualTo(Cursor.encode(Map.of("chat:a", new Position("k3j2", 7))));
    assertThat(out.encoded(SseEncoding.SINGLE_CHANNEL_EVENT)).isSameAs(out.encoded(SseEncoding.SINGLE_CHANNEL_EVENT));
  }

  @Test
  void the_http_chunk_is_the_event_framed_with_its_hex_size() {
    Outbound out = new Outbound(message);
    byte[] event = out.encoded(SseEncoding.SINGLE_CHANNEL_EVENT);
    String chunk = new String(out.encoded(SseEncoding.SINGLE_CHANNEL_CHUNK), StandardCharsets.UTF_8);
    assertThat(chunk).isEqualTo(Integer.toHexString(event.length) + "\r\n"
        + new String(event, StandardCharsets.UTF_8) + "\r\n");
  }

  @Test
  void a_payload_with_line_breaks_is_split_over_data_lines_instead_of_ending_the_event() {
    String sse = new String(SseData.of("{\"a\":\n1,\r\n\"b\":\r2}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    assertThat(sse).isEqualTo("data: {\"a\":\ndata: 1,\ndata: \"b\":\ndata: 2}\n\n");
  }
}
