package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboundTest {

  private static final AtomicInteger ENCODED = new AtomicInteger();
  private static final Encoding<String> COUNTING = new Encoding<>() {
    @Override
    protected String encode(Outbound delivery) {
      ENCODED.incrementAndGet();
      return "form of " + delivery.message().offset();
    }
  };

  private final Message message = new Message("chat:a", 7, "k3j2", "{\"text\":\"hi\"}", "alice", 1763800000000L);

  @Test
  void the_message_object_is_encoded_once_and_is_the_protocols() {
    Outbound out = new Outbound(message);
    assertThat(out.json()).isSameAs(out.json());
    assertThat(new JsonObject(new String(out.json(), StandardCharsets.UTF_8))).isEqualTo(new JsonObject()
        .put("channel", "chat:a").put("offset", 7).put("epoch", "k3j2").put("data", new JsonObject().put("text", "hi"))
        .put("from", "alice").put("ts", 1763800000000L));
  }

  @Test
  void a_transports_encoding_is_computed_once_per_delivery_however_many_subscribers_write_it() {
    Outbound out = new Outbound(message);
    int before = ENCODED.get();
    String first = out.encoded(COUNTING);
    for (int i = 0; i < 100; i++) {
      assertThat(out.encoded(COUNTING)).isSameAs(first);
    }
    assertThat(ENCODED.get() - before).isEqualTo(1);
    assertThat(first).isEqualTo("form of 7");
    assertThat(new Outbound(message).encoded(COUNTING)).isNotSameAs(first);
  }
}
