package io.rtgw.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Message;
import org.junit.jupiter.api.Test;

class MessageTemplateTest {

  @Test
  void a_filled_template_is_exactly_the_json_of_the_message() throws Exception {
    String data = "{\"text\":\",\\\"offset\\\":0,\\\"epoch\\\":\\\"\\\"\",\"n\":[1,2]}";
    for (String from : new String[] {"alice", null}) {
      MessageTemplate t = MessageTemplate.of(new AppendCommand("chat:room/42", data, from, "k", 1_763_800_000_000L));
      String expected = Json.MAPPER.writeValueAsString(new Message("chat:room/42", 17, "k3j2x9", data, from, 1_763_800_000_000L));
      assertThat(t.fill(17, "k3j2x9")).isEqualTo(expected);
    }
  }
}
