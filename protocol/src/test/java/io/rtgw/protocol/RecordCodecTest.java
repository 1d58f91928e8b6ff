package io.rtgw.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.codec.RecordCodec;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

  @Test
  void a_message_crosses_the_wire_with_its_data_untouched() {
    Message m = new Message("chat:x", 17, "k3j2", "{\"text\":\"hi \\u00e9\",\"n\":[1,2.5,null]}", "alice", 1763800000000L);
    RecordCodec<Message> codec = new RecordCodec<>(Message.class);
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(wire, m);
    Message back = codec.decodeFromWire(6, wire);
    assertThat(back.channel()).isEqualTo("chat:x");
    assertThat(back.offset()).isEqualTo(17);
    assertThat(new io.vertx.core.json.JsonObject(back.data())).isEqualTo(new io.vertx.core.json.JsonObject(m.data()));
    assertThat(back.from()).isEqualTo("alice");
  }

  @Test
  void null_data_and_absent_from_survive() {
    Message m = new Message("c", 1, "e", "null", null, 5);
    RecordCodec<Message> codec = new RecordCodec<>(Message.class);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, m);
    assertThat(codec.decodeFromWire(0, wire)).isEqualTo(m);
  }

  @Test
  void a_page_of_messages_round_trips_and_local_sends_share_the_instance() {
    HistoryPage page = new HistoryPage("c", "e", 2, true,
        List.of(new Message("c", 1, "e", "1", null, 1), new Message("c", 2, "e", "\"two\"", "u", 2)));
    RecordCodec<HistoryPage> codec = new RecordCodec<>(HistoryPage.class);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, page);
    assertThat(codec.decodeFromWire(0, wire)).isEqualTo(page);
    assertThat(codec.transform(page)).isSameAs(page);
  }

  @Test
  void the_message_object_text_matches_the_protocol_shape() {
    Message m = new Message("chat:room42", 17, "k3j2", "{\"text\":\"hi\"}", "alice", 1763800000000L);
    assertThat(new io.vertx.core.json.JsonObject(MessageJson.toText(m))).isEqualTo(new io.vertx.core.json.JsonObject(
        "{\"channel\":\"chat:room42\",\"offset\":17,\"epoch\":\"k3j2\",\"data\":{\"text\":\"hi\"},\"from\":\"alice\",\"ts\":1763800000000}"));
  }
}
