package io.rtgw.connection.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.Outbound;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.connection.Resume;
import io.rtgw.connection.Sink;
import io.rtgw.connection.HistoryOnTheBus;
import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client session without any transport or HTTP server: the rules it applies, the presence entries it
 * reports, and what it releases, against the real history tier on the bus.
 */
class ClientSessionTest {

  private static HistoryOnTheBus bus;
  private static ChannelHub hub;
  private static PresenceReporter presence;
  private static AccessRules rules;
  private static final List<PresenceReport> reports = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    bus = HistoryOnTheBus.standalone();
    bus.vertx().eventBus().<PresenceReport>consumer(Addresses.PRESENCE_REPORT, m -> {
      reports.add(m.body());
      m.reply(new io.vertx.core.json.JsonObject());
    });
    GatewayConfig config = bus.config();
    hub = bus.on(() -> Future.succeededFuture(new ChannelHub(bus.vertx(), bus.tiers(), 3_600_000, 100)));
    presence = bus.on(() -> Future.succeededFuture(new PresenceReporter(bus.vertx(), "node-1", config.presence())));
    rules = new AccessRules(config);
  }

  @AfterAll
  static void stop() {
    bus.close();
  }

  private ClientSession session(String user, int max, boolean reportsPresence) {
    return new ClientSession("client-1", user == null ? Identity.ANONYMOUS : Identity.user(user), new NullSink(), hub,
        rules, presence,
        new ClientSession.Options(max, 100, reportsPresence, false));
  }

  private static int presenceSize() {
    return bus.on(() -> Future.succeededFuture(presence.size()));
  }

  private static GatewayException failure(Future<?> f) {
    assertThat(f.failed()).as("failed at once").isTrue();
    return (GatewayException) f.cause();
  }

  @Test
  void a_personal_channel_is_its_owners_alone() {
    ClientSession bob = session("bob", 10, true);
    GatewayException e = failure(bus.on(() -> Future.succeededFuture(bob.subscribe("user:alice", null))));
    assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(e.getMessage()).isEqualTo("Only user 'alice' may subscribe to channel 'user:alice'.");
    ClientSession anonymous = session(null, 10, true);
    assertThat(failure(bus.on(() -> Future.succeededFuture(anonymous.subscribe("user:alice", null)))).code())
        .isEqualTo(ErrorCode.FORBIDDEN);
    assertThat(bus.on(() -> session("alice", 10, true).subscribe("user:alice", null))).isNotNull();
  }

  @Test
  void an_unknown_namespace_and_a_second_subscribe_are_bad_requests_and_one_past_the_limit_exceeds_it() {
    ClientSession s = session("carol", 2, false);
    assertThat(failure(bus.on(() -> Future.succeededFuture(s.subscribe("nowhere:x", null)))).getMessage())
        .startsWith("Unknown namespace 'nowhere'");
    bus.on(() -> s.subscribe("chat:limit-1", null));
    assertThat(failure(bus.on(() -> Future.succeededFuture(s.subscribe("chat:limit-1", null)))).getMessage())
        .isEqualTo("Already subscribed to 'chat:limit-1'.");
    bus.on(() -> s.subscribe("chat:limit-2", null));
    GatewayException over = failure(bus.on(() -> Future.succeededFuture(s.subscribe("chat:limit-3", null))));
    assertThat(over.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    assertThat(over.getMessage()).isEqualTo("Too many subscriptions on one connection (at most 2).");
    assertThat(s.size()).isEqualTo(2);
  }

  @Test
  void an_identified_client_is_present_where_presence_is_on_and_leaves_when_it_closes() {
    int before = presenceSize();
    ClientSession s = session("dave", 10, true);
    bus.on(() -> s.subscribe("chat:present", null));
    bus.on(() -> s.subscribe("news:not-present", null));
    assertThat(presenceSize() - before).isEqualTo(1);
    bus.on(() -> {
      s.close();
      return Future.succeededFuture();
    });
    assertThat(presenceSize()).isEqualTo(before);
    assertThat(s.closed()).isTrue();
    assertThat(s.positions()).isEmpty();
  }

  @Test
  void a_session_that_does_not_report_presence_never_does() {
    int before = presenceSize();
    ClientSession poll = session("erin", 10, false);
    bus.on(() -> poll.subscribe("chat:quiet", null));
    assertThat(presenceSize()).isEqualTo(before);
  }

  @Test
  void the_inbox_is_subscribed_automatically_and_replaced_by_the_clients_own_subscribe() {
    ClientSession s = session("frank", 10, true);
    Resume auto = bus.on(s::subscribeInbox);
    assertThat(auto.subscription().channel()).isEqualTo("user:frank");
    Position at = s.positions().get("user:frank");
    Resume own = bus.on(() -> s.subscribe("user:frank", at));
    assertThat(own.recovered()).isTrue();
    assertThat(auto.subscription().detached()).isTrue();
    assertThat(s.size()).isEqualTo(1);
    assertThat(bus.on(() -> Future.succeededFuture(session(null, 10, true).subscribeInbox()))).isNotNull();
  }

  @Test
  void unsubscribing_releases_the_channel_and_its_presence_entry() {
    int before = presenceSize();
    ClientSession s = session("gina", 10, true);
    Resume r = bus.on(() -> s.subscribe("chat:leave", null));
    assertThat(presenceSize()).isEqualTo(before + 1);
    bus.on(() -> {
      s.unsubscribe("chat:leave");
      return Future.succeededFuture();
    });
    assertThat(r.subscription().detached()).isTrue();
    assertThat(s.positions()).isEmpty();
    assertThat(presenceSize()).isEqualTo(before);
  }

  @Test
  void a_client_that_goes_while_it_subscribes_holds_nothing_afterwards() {
    int before = presenceSize();
    ClientSession s = session("hank", 10, true);
    Resume r = bus.on(() -> {
      Future<Resume> pending = s.subscribe("chat:gone-meanwhile", null);
      s.close();
      return pending;
    });
    assertThat(r).isNull();
    assertThat(presenceSize()).isEqualTo(before);
  }

  @Test
  void requests_apply_the_same_rules_on_every_transport() {
    Requests requests = new Requests(rules, bus.tiers(), UserPublishRate.NONE);
    GatewayException history = failure(bus.on(() -> Future.succeededFuture(requests.history(Identity.user("bob"), "user:alice", null, 5L))));
    assertThat(history.getMessage()).isEqualTo("Only user 'alice' may read the history of channel 'user:alice'.");
    GatewayException presenceOfOther = failure(bus.on(() -> Future.succeededFuture(requests.presence(Identity.ANONYMOUS, "user:alice"))));
    assertThat(presenceOfOther.code()).isEqualTo(ErrorCode.FORBIDDEN);
    GatewayException off = failure(bus.on(() -> Future.succeededFuture(requests.presence(Identity.user("bob"), "news:x"))));
    assertThat(off.getMessage()).isEqualTo("Presence is off for namespace 'news'.");
    assertThat(Requests.historyLimit(null)).isEqualTo(Requests.DEFAULT_HISTORY_LIMIT);
    assertThat(Requests.historyLimit(1_000_000L)).isEqualTo(Requests.MAX_HISTORY_LIMIT);
    assertThat(bus.on(() -> requests.history(Identity.user("alice"), "user:alice", null, 5L)).recovered()).isTrue();
  }

  static final class NullSink implements Sink {
    final List<String> seen = new ArrayList<>();

    @Override
    public void message(Outbound message) {
      seen.add("message");
    }

    @Override
    public void presence(Outbound event) {
    }

    @Override
    public void reset(String channel, String epoch, long offset) {
    }

    @Override
    public void interrupted(String channel, Throwable cause) {
    }
  }
}
