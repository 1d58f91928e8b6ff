package io.rtgw.connection.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.connection.Cursor;
import io.rtgw.connection.Outbound;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollReplyTest {

  @Test
  void messages_are_grouped_by_channel_in_request_order_and_the_cursor_moves_past_them() {
    PollReply reply = new PollReply(List.of("chat:a", "chat:b"));
    reply.at("chat:a", new Position("e1", 4));
    reply.at("chat:b", new Position("e2", 9));
    reply.add(message("chat:b", 10, "e2"), new Outbound(message("chat:b", 10, "e2")).json());
    reply.add(message("chat:a", 5, "e1"), new Outbound(message("chat:a", 5, "e1")).json());
    reply.add(message("chat:b", 11, "e2"), new Outbound(message("chat:b", 11, "e2")).json());

    JsonObject body = reply.toBuffer().toJsonObject();
    JsonArray messages = body.getJsonArray("messages");
    assertThat(messages.stream().map(o -> ((JsonObject) o).getString("channel") + "/" + ((JsonObject) o).getLong("offset")))
        .containsExactly("chat:a/5", "chat:b/10", "chat:b/11");
    assertThat(body.containsKey("resets")).isFalse();
    Cursor next = Cursor.parse(body.getString("cursor"));
    assertThat(next.positionOf("chat:a")).isEqualTo(new Position("e1", 5));
    assertThat(next.positionOf("chat:b")).isEqualTo(new Position("e2", 11));
  }

  @Test
  void a_position_history_cannot_continue_is_a_reset_that_goes_on_from_what_is_retained() {
    PollReply reply = new PollReply(List.of("chat:a"));
    Position stale = new Position("old", 40);
    HistoryPage page = new HistoryPage("chat:a", "new", 3, false,
        List.of(message("chat:a", 2, "new"), message("chat:a", 3, "new")));
    Backlog.apply(reply, "chat:a", stale, page);

    JsonObject body = reply.toBuffer().toJsonObject();
    assertThat(body.getJsonArray("resets")).containsExactly("chat:a");
    assertThat(body.getJsonArray("messages")).hasSize(2);
    assertThat(Cursor.parse(body.getString("cursor")).positionOf("chat:a")).isEqualTo(new Position("new", 3));
    assertThat(reply.hasNews()).isTrue();
  }

  @Test
  void an_empty_reply_has_no_news_but_a_cursor() {
    PollReply reply = new PollReply(List.of("chat:a"));
    Backlog.apply(reply, "chat:a", new Position("e", 7), new HistoryPage("chat:a", "e", 7, true, List.of()));
    assertThat(reply.hasNews()).isFalse();
    assertThat(Cursor.parse(reply.cursor()).positionOf("chat:a")).isEqualTo(new Position("e", 7));
  }

  private static Message message(String channel, long offset, String epoch) {
    return new Message(channel, offset, epoch, "{\"n\":" + offset + "}", null, 1L);
  }
}
