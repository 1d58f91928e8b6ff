package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutboundTest {

  private final Message message = new Message("chat:a", 7, "k3j2", "{\"text\":\"hi\"}", "alice", 1763800000000L);

  @Test
  void each_wire_form_is_encoded_once_and_shared() {
    Outbound out = new Outbound(message);
    assertThat(out.json()).isSameAs(out.json());
    assertThat(out.sseData()).isSameAs(out.sseData());
    assertThat(new JsonObject(new String(out.json(), StandardCharsets.UTF_8))).isEqualTo(new JsonObject()
        .put("channel", "chat:a").put("offset", 7).put("epoch", "k3j2").put("data", new JsonObject().put("text", "hi"))
        .put("from", "alice").put("ts", 1763800000000L));
  }

  @Test
  void the_sse_form_is_one_data_line_and_the_blank_line_that_ends_the_event() {
    String sse = new String(new Outbound(message).sseData(), StandardCharsets.UTF_8);
    assertThat(sse).startsWith("data: {\"channel\":\"chat:a\"").endsWith("}\n\n");
    assertThat(sse.chars().filter(c -> c == '\n').count()).isEqualTo(2);
  }

  @Test
  void a_single_channel_stream_event_carries_the_cursor_of_that_one_position_and_is_encoded_once() {
    Outbound out = new Outbound(message);
    String event = new String(out.sseSingleChannelEvent(), StandardCharsets.UTF_8);
    String id = event.substring(event.indexOf("id: ") + 4, event.indexOf('\n', event.indexOf("id: ")));
    assertThat(event).isEqualTo("event: message\nid: " + id + "\n" + new String(out.sseData(), StandardCharsets.UTF_8));
    assertThat(Cursor.parse(id).positionOf("chat:a")).isEqualTo(new io.rtgw.protocol.Position("k3j2", 7));
    assertThat(id).isEqualTo(Cursor.encode(java.util.Map.of("chat:a", new io.rtgw.protocol.Position("k3j2", 7))));
    assertThat(out.sseSingleChannelEvent()).isSameAs(out.sseSingleChannelEvent());
  }

  @Test
  void a_payload_with_line_breaks_is_split_over_data_lines_instead_of_ending_the_event() {
    String sse = new String(SseData.of("{\"a\":\n1,\r\n\"b\":\r2}".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    assertThat(sse).isEqualTo("data: {\"a\":\ndata: 1,\ndata: \"b\":\ndata: 2}\n\n");
  }
}
