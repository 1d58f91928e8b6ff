package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catch-up seam: history page, then live, with every offset written once and in order. */
class SubscriptionTest {

  private final List<Long> written = new ArrayList<>();
  private final List<String> resets = new ArrayList<>();
  private final Subscription s = new Subscription("feed:a", new Sink() {
    @Override
    public void message(Outbound message) {
      written.add(message.message().offset());
    }

    @Override
    public void presence(Outbound event) {
    }

    @Override
    public void reset(String channel, String epoch, long offset) {
      resets.add(epoch + "/" + offset);
    }
  });

  private static Outbound live(String epoch, long offset) {
    return new Outbound(message(epoch, offset));
  }

  private static Message message(String epoch, long offset) {
    return new Message("feed:a", offset, epoch, "{}", null, 0);
  }

  private static HistoryPage page(String epoch, long from, long to) {
    List<Message> messages = new ArrayList<>();
    for (long o = from; o <= to; o++) {
      messages.add(message(epoch, o));
    }
    return new HistoryPage("feed:a", epoch, to, true, messages);
  }

  @Test
  void live_messages_held_during_catch_up_are_written_after_the_page_without_repeats() {
    s.startCatchUp();
    s.deliver(live("e1", 5));
    s.deliver(live("e1", 6));
    s.deliver(live("e1", 7));
    s.finishCatchUp(page("e1", 3, 6));
    assertThat(written).containsExactly(3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void live_messages_the_page_already_held_are_skipped_when_the_live_stream_was_behind_it() {
    // the node's channel had delivered up to 4 when the history page was read up to 6
    s.startCatchUp();
    s.finishCatchUp(page("e1", 3, 6));
    s.deliver(live("e1", 5));
    s.deliver(live("e1", 6));
    s.deliver(live("e1", 7));
    s.deliver(live("e1", 8));
    assertThat(written).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void after_a_reset_the_new_epoch_is_written_from_its_start() {
    s.startCatchUp();
    s.finishCatchUp(page("e1", 1, 6));
    s.reset("e2", 0);
    s.deliver(live("e2", 1));
    s.deliver(live("e2", 2));
    assertThat(written).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 1L, 2L);
    assertThat(resets).containsExactly("e2/0");
  }

  @Test
  void a_detached_subscription_writes_nothing() {
    s.markDetached();
    s.deliver(live("e1", 1));
    assertThat(written).isEmpty();
  }
}
