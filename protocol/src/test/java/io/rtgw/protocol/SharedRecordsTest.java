package io.rtgw.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records the local codec passes by reference cannot change after they are made. */
class SharedRecordsTest {

  private static final Message ONE = new Message("c", 1, "e", "1", null, 1);
  private static final Message TWO = new Message("c", 2, "e", "2", null, 2);
  private static final PresenceEntry ALICE = new PresenceEntry("chat:a", "alice", "c1");
  private static final PresenceEntry BOB = new PresenceEntry("chat:a", "bob", "c2");

  @Test
  void a_page_does_not_change_when_the_list_it_was_made_from_does() {
    List<Message> list = new ArrayList<>(List.of(ONE));
    HistoryPage page = new HistoryPage("c", "e", 1, true, list);
    list.add(TWO);
    assertThat(page.messages()).containsExactly(ONE);
    assertThatThrownBy(() -> page.messages().add(TWO)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void a_page_keeps_an_unmodifiable_list_without_copying_it() {
    List<Message> list = List.of(ONE, TWO);
    assertThat(new HistoryPage("c", "e", 2, true, list).messages()).isSameAs(list);
  }

  @Test
  void a_report_does_not_change_when_the_lists_it_was_made_from_do() {
    List<PresenceEntry> joins = new ArrayList<>(List.of(ALICE));
    List<PresenceEntry> refresh = new ArrayList<>(List.of(BOB));
    PresenceReport report = new PresenceReport("node-1", joins, null, refresh);
    joins.clear();
    refresh.add(ALICE);
    assertThat(report.joins()).containsExactly(ALICE);
    assertThat(report.leaves()).isEmpty();
    assertThat(report.refresh()).containsExactly(BOB);
    assertThatThrownBy(() -> report.joins().add(BOB)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void a_report_keeps_unmodifiable_lists_without_copying_them() {
    List<PresenceEntry> joins = List.of(ALICE);
    List<PresenceEntry> none = List.of();
    PresenceReport report = new PresenceReport("node-1", joins, none, none);
    assertThat(report.joins()).isSameAs(joins);
    assertThat(report.leaves()).isSameAs(none);
  }
}
