package io.rtgw.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryPresenceStoreTest {

  private final MemoryPresenceStore store = new MemoryPresenceStore();
  private static final long TTL = 1000;

  private List<PresenceEvent> joins(String node, long now, PresenceEntry... entries) {
    return store.apply(new PresenceReport(node, List.of(entries), null, null), now, TTL).result();
  }

  private List<PresenceEvent> leaves(String node, PresenceEntry... entries) {
    return store.apply(new PresenceReport(node, null, List.of(entries), null), 0, TTL).result();
  }

  @Test
  void a_user_joins_with_the_first_client_and_leaves_with_the_last() {
    PresenceEntry tab1 = new PresenceEntry("chat:a", "alice", "c1");
    PresenceEntry tab2 = new PresenceEntry("chat:a", "alice", "c2");
    assertThat(joins("n1", 0, tab1)).containsExactly(PresenceEvent.join(tab1));
    assertThat(joins("n1", 0, tab2)).isEmpty();
    assertThat(store.members("chat:a").result()).containsExactly(new PresenceMember("alice", 2));
    assertThat(leaves("n1", tab1)).isEmpty();
    assertThat(leaves("n1", tab2)).containsExactly(PresenceEvent.leave(tab2));
    assertThat(store.members("chat:a").result()).isEmpty();
  }

  @Test
  void a_repeated_leave_is_reported_once() {
    PresenceEntry e = new PresenceEntry("chat:a", "bob", "c1");
    joins("n1", 0, e);
    assertThat(leaves("n1", e)).hasSize(1);
    assertThat(leaves("n1", e)).isEmpty();
  }

  @Test
  void entries_not_refreshed_within_the_ttl_expire_with_a_leave() {
    PresenceEntry stale = new PresenceEntry("chat:a", "carol", "c1");
    PresenceEntry fresh = new PresenceEntry("chat:a", "dave", "c2");
    joins("n1", 0, stale, fresh);
    store.apply(new PresenceReport("n1", null, null, List.of(fresh)), 900, TTL);
    assertThat(store.expire(999).result()).isEmpty();
    assertThat(store.expire(1000).result()).containsExactly(PresenceEvent.leave(stale));
    assertThat(store.expire(1899).result()).isEmpty();
    assertThat(store.expire(1900).result()).containsExactly(PresenceEvent.leave(fresh));
  }

  @Test
  void a_node_that_leaves_takes_its_clients_but_not_those_of_other_nodes() {
    PresenceEntry onCrashed = new PresenceEntry("chat:a", "erin", "c1");
    PresenceEntry alsoOnCrashed = new PresenceEntry("chat:b", "erin", "c1");
    PresenceEntry otherTab = new PresenceEntry("chat:a", "erin", "c9");
    PresenceEntry elsewhere = new PresenceEntry("chat:a", "frank", "c2");
    joins("crashed", 0, onCrashed, alsoOnCrashed);
    joins("alive", 0, otherTab, elsewhere);
    List<PresenceEvent> events = store.removeNode("crashed").result();
    // erin still has a tab on the live node in chat:a, so only chat:b sees her leave
    assertThat(events).containsExactly(PresenceEvent.leave(alsoOnCrashed));
    assertThat(store.members("chat:a").result())
        .containsExactly(new PresenceMember("erin", 1), new PresenceMember("frank", 1));
    assertThat(store.removeNode("crashed").result()).isEmpty();
  }

  @Test
  void a_refresh_of_an_unknown_entry_adds_it_back() {
    PresenceEntry e = new PresenceEntry("chat:a", "gina", "c1");
    List<PresenceEvent> events = store.apply(new PresenceReport("n1", null, null, List.of(e)), 0, TTL).result();
    assertThat(events).containsExactly(PresenceEvent.join(e));
  }
}
