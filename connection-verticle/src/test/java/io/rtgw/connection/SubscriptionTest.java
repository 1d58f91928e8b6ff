package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a subscription lets through to its sink: each offset once and in order, or a reset. */
class SubscriptionTest {

  private final List<String> written = new ArrayList<>();
  private final Subscription s = new Subscription("feed:a", new Sink() {
    @Override
    public void message(Outbound message) {
      written.add(String.valueOf(message.message().offset()));
    }

    @Override
    public void presence(Outbound event) {
      written.add(event.event().type());
    }

    @Override
    public void reset(String channel, String epoch, long offset) {
      written.add("reset " + epoch + "/" + offset);
    }

    @Override
    public void interrupted(String channel, Throwable cause) {
      written.add("interrupted");
    }
  });

  private static Outbound live(String epoch, long offset) {
    return new Outbound(message(epoch, offset));
  }

  private static Message message(String epoch, long offset) {
    return new Message("feed:a", offset, epoch, "{}", null, 0);
  }

  @Test
  void live_messages_held_during_catch_up_are_written_after_the_page_without_repeats() {
    s.hold();
    s.startAt(new Position("e1", 2));
    s.deliver(live("e1", 5));
    s.deliver(live("e1", 6));
    s.deliver(live("e1", 7));
    for (long o = 3; o <= 6; o++) {
      s.caughtUp(message("e1", o));
    }
    s.goLive();
    assertThat(written).containsExactly("3", "4", "5", "6", "7");
    assertThat(s.position()).isEqualTo(new Position("e1", 7));
  }

  @Test
  void live_messages_the_page_already_held_are_skipped_when_the_live_stream_was_behind_it() {
    s.hold();
    s.startAt(new Position("e1", 2));
    for (long o = 3; o <= 6; o++) {
      s.caughtUp(message("e1", o));
    }
    s.goLive();
    s.deliver(live("e1", 5));
    s.deliver(live("e1", 6));
    s.deliver(live("e1", 7));
    assertThat(written).containsExactly("3", "4", "5", "6", "7");
  }

  @Test
  void after_a_reset_the_new_epoch_is_written_from_its_start() {
    s.startAt(new Position("e1", 6));
    s.reset("e2", 0);
    s.deliver(live("e2", 1));
    s.deliver(live("e2", 2));
    assertThat(written).containsExactly("reset e2/0", "1", "2");
  }

  @Test
  void a_reset_to_a_point_it_has_passed_is_not_passed_on() {
    s.startAt(new Position("e1", 9));
    s.reset("e1", 4);
    assertThat(written).isEmpty();
    assertThat(s.position()).isEqualTo(new Position("e1", 9));
  }

  @Test
  void a_hole_is_never_shown_silently_it_is_reported_as_a_reset() {
    s.startAt(new Position("e1", 3));
    s.deliver(live("e1", 4));
    s.deliver(live("e1", 7));
    assertThat(written).containsExactly("4", "reset e1/6", "7");
  }

  @Test
  void presence_events_keep_their_place_among_held_back_messages() {
    s.hold();
    s.startAt(new Position("e1", 0));
    s.deliver(live("e1", 1));
    s.deliver(new Outbound(new io.rtgw.protocol.PresenceEvent("join", "feed:a", "bob", "c1")));
    s.deliver(live("e1", 2));
    s.goLive();
    assertThat(written).containsExactly("1", "join", "2");
  }

  @Test
  void a_detached_subscription_writes_nothing() {
    s.startAt(new Position("e1", 0));
    s.markDetached();
    s.deliver(live("e1", 1));
    assertThat(written).isEmpty();
  }
}
