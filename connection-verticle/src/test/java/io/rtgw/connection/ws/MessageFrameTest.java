package io.rtgw.connection.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.connection.internal.WebSocketWire;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.MessageJson;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageFrameTest {

  /** What the frame held when it was built as a string: the reference the bytes must equal. */
  private static byte[] viaString(Message m) {
    return ("{\"type\":\"message\"," + MessageJson.toText(m).substring(1)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void the_payload_is_the_message_json_byte_for_byte_and_the_frame_is_it_with_its_header() {
    List<Message> messages = new ArrayList<>();
    for (String from : new String[] {null, "alice", "zoë", "quo\"te\\back", "tab\there", "\u007f", "日本"}) {
      for (long offset : new long[] {0, 1, 9, 10, 99, 100, 123_456_789, 999_999_999_999_999_999L, Long.MAX_VALUE}) {
        messages.add(new Message("chat:room-1", offset, "e1x", "{\"n\":1}", from, 1_764_000_000_000L + offset % 7));
      }
    }
    messages.add(new Message("user:bob", 3, "ep", "\"ünïcode ✓ 😀\"", "bob", 0));
    messages.add(new Message("a", 1, "e", "[1,2,3]", null, -5));
    messages.add(new Message("a", -1, "e", "null", null, Long.MIN_VALUE));
    for (int size : new int[] {0, 40, 125 - 80, 200, 70_000}) {
      messages.add(new Message("news:big", 7, "e", "\"" + "x".repeat(size) + "\"", null, 42));
    }
    for (Message m : messages) {
      byte[] expected = viaString(m);
      assertThat(MessageFrame.of(m, false)).as("%s", m).isEqualTo(expected);
      assertThat(MessageFrame.of(m, true)).as("framed %s", m).isEqualTo(WebSocketWire.textFrame(expected));
      new JsonObject(new String(MessageFrame.of(m, false), StandardCharsets.UTF_8));
    }
  }

  @Test
  void digits_counts_every_length_class() {
    long p = 1;
    for (int d = 1; d <= 19; d++) {
      assertThat(MessageFrame.digits(p)).as("10^%d", d - 1).isEqualTo(d);
      if (d > 1) {
        assertThat(MessageFrame.digits(p - 1)).as("10^%d - 1", d - 1).isEqualTo(d - 1);
      }
      p = d < 19 ? p * 10 : p;
    }
    assertThat(MessageFrame.digits(Long.MAX_VALUE)).isEqualTo(19);
    assertThat(MessageFrame.digits(-1)).isEqualTo(2);
    assertThat(MessageFrame.digits(Long.MIN_VALUE)).isEqualTo(20);
  }
}
