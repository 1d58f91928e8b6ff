package io.rtgw.connection.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.connection.Cursor;
import io.rtgw.connection.Outbound;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PollReplyTest {

  @Test
  void messages_are_grouped_by_channel_in_request_order_and_the_cursor_holds_the_given_positions() {
    PollReply reply = new PollReply(List.of("chat:a", "chat:b"));
    reply.add("chat:b", new Outbound(message("chat:b", 10, "e2")).json());
    reply.add("chat:a", new Outbound(message("chat:a", 5, "e1")).json());
    reply.add("chat:b", new Outbound(message("chat:b", 11, "e2")).json());

    JsonObject body = reply.toBuffer(Map.of("chat:a", new Position("e1", 5), "chat:b", new Position("e2", 11)))
        .toJsonObject();
    JsonArray messages = body.getJsonArray("messages");
    assertThat(messages.stream().map(o -> ((JsonObject) o).getString("channel") + "/" + ((JsonObject) o).getLong("offset")))
        .containsExactly("chat:a/5", "chat:b/10", "chat:b/11");
    assertThat(body.containsKey("resets")).isFalse();
    Cursor next = Cursor.parse(body.getString("cursor"));
    assertThat(next.positionOf("chat:a")).isEqualTo(new Position("e1", 5));
    assertThat(next.positionOf("chat:b")).isEqualTo(new Position("e2", 11));
  }

  @Test
  void a_reset_channel_is_listed_once_and_is_news() {
    PollReply reply = new PollReply(List.of("chat:a"));
    reply.reset("chat:a");
    reply.reset("chat:a");
    JsonObject body = reply.toBuffer(Map.of("chat:a", new Position("new", 3))).toJsonObject();
    assertThat(body.getJsonArray("resets")).containsExactly("chat:a");
    assertThat(reply.hasNews()).isTrue();
  }

  @Test
  void an_empty_reply_has_no_news_but_a_cursor() {
    PollReply reply = new PollReply(List.of("chat:a"));
    assertThat(reply.hasNews()).isFalse();
    JsonObject body = reply.toBuffer(Map.of("chat:a", new Position("e", 7))).toJsonObject();
    assertThat(body.getJsonArray("messages")).isEmpty();
    assertThat(Cursor.parse(body.getString("cursor")).positionOf("chat:a")).isEqualTo(new Position("e", 7));
  }

  private static Message message(String channel, long offset, String epoch) {
    return new Message(channel, offset, epoch, "{\"n\":" + offset + "}", null, 1L);
  }
}
