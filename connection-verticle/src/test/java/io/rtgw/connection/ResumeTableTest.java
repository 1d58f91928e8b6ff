package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Position;
import io.rtgw.testkit.Offsets;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the resume seam ({@link ChannelHub#resume}, {@link Resume}), one row each, against the
 * real history tier: where the client's position is, what is published while it catches up, and how
 * small the pages are; then exactly what its sink got, in order, and what {@code subscribed} said.
 */
@Execution(ExecutionMode.SAME_THREAD)
class ResumeTableTest {

  private static HistoryOnTheBus bus;
  private static ChannelHub hub;

  @BeforeAll
  static void start() {
    bus = new HistoryOnTheBus(new JsonObject()
        .put("small", HistoryOnTheBus.namespace(5, 3600, false))
        .put("brief", HistoryOnTheBus.namespace(100, 1, false))
        .put("feed", HistoryOnTheBus.namespace(1000, 3600, false)));
    // the periodic position check is the tail's safety net, not part of the seam: out of the way here
    hub = bus.on(() -> Future.succeededFuture(new ChannelHub(bus.vertx, bus.tiers, 3_600_000, 2)));
  }

  @AfterAll
  static void stop() {
    bus.close();
  }

  sealed interface Step permits Publish, Lose, Wait {
  }

  /** Published and delivered on the bus. */
  record Publish(int count) implements Step {
  }

  /** Stored by history but lost on the (at-most-once) bus. */
  record Lose(int count) implements Step {
  }

  /** Real time passes (history ages out by the clock). */
  record Wait(long ms) implements Step {
  }

  /** The client's position: in the channel's own epoch, in another one, or none. */
  record Since(String epoch, long offset) {
  }

  record Case(String name, String namespace, List<Step> before, Since since, int pageSize, List<Step> during,
              boolean recovered, List<Long> offsets) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Since at(long offset) {
    return new Since(null, offset);
  }

  static Stream<Case> seam() {
    List<Step> eight = List.of(new Publish(8));
    List<Step> none = List.of();
    return Stream.of(
        new Case("no position: live from now", "feed", eight, null, 100, List.of(new Publish(2)), true,
            Offsets.range(9, 10)),
        new Case("a position inside the retained window", "small", eight, at(5), 100, none, true, Offsets.range(6, 8)),
        new Case("the position just before the oldest retained (the edge)", "small", eight, at(3), 100, none, true,
            Offsets.range(4, 8)),
        new Case("the latest position: nothing to read", "small", eight, at(8), 100, List.of(new Publish(1)), true,
            List.of(9L)),
        new Case("a position evicted by size", "small", eight, at(1), 100, none, false, Offsets.range(4, 8)),
        new Case("a position evicted by age", "brief", List.of(new Publish(2), new Wait(1_600), new Publish(2)), at(1),
            100, none, false, Offsets.range(3, 4)),
        new Case("a future offset", "small", eight, at(20), 100, none, false, Offsets.range(4, 8)),
        new Case("another epoch", "small", eight, new Since("gone", 3), 100, none, false, Offsets.range(4, 8)),
        new Case("live publishes during the catch-up", "feed", List.of(new Publish(5)), at(2), 100,
            List.of(new Publish(3)), true, Offsets.range(3, 8)),
        new Case("a gap longer than one page", "feed", List.of(new Publish(20)), at(1), 3, none, true,
            Offsets.range(2, 20)),
        new Case("a gap longer than one page, with live publishes meanwhile", "feed", List.of(new Publish(10)), at(0),
            4, List.of(new Publish(5)), true, Offsets.range(1, 15)),
        new Case("a live delivery lost on the bus during the catch-up", "feed", List.of(new Publish(5)), at(2), 2,
            List.of(new Lose(1), new Publish(1)), true, Offsets.range(3, 7)),
        new Case("a page that starts past the position after eviction, in pages", "small", List.of(new Publish(12)),
            at(2), 2, none, false, Offsets.range(8, 12)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("seam")
  void a_resumed_subscriber_gets_every_message_after_its_position_once_in_order_or_is_told_it_cannot(Case c) {
    String channel = bus.freshChannel(c.namespace());
    run(channel, c.before());
    String epoch = bus.on(() -> bus.tiers.read(new io.rtgw.protocol.HistoryRead(channel, null, 0))).epoch();
    Position since = c.since() == null ? null
        : new Position(c.since().epoch() == null ? epoch : c.since().epoch(), c.since().offset());
    RecordingSink sink = new RecordingSink();
    int readsBefore = bus.readLimits.size();

    Resume r = bus.on(() -> hub.resume(hub.subscription(channel, sink), since, c.pageSize()));
    run(channel, c.during());
    bus.settle();
    assertThat(sink.offsets).as("nothing reaches the sink before the catch-up starts").isEmpty();
    bus.on(r::catchUp);
    bus.settle();

    assertThat(r.recovered()).isEqualTo(c.recovered());
    assertThat(r.epoch()).isEqualTo(epoch);
    assertThat(sink.offsets).isEqualTo(c.offsets());
    assertThat(sink.resets).isEmpty();
    assertThat(bus.readLimits.subList(readsBefore, bus.readLimits.size()))
        .allSatisfy(limit -> assertThat(limit).isBetween(0, c.pageSize()));
    bus.on(() -> {
      hub.detach(r.subscription());
      return Future.succeededFuture();
    });
  }

  @org.junit.jupiter.api.Test
  void a_catch_up_that_loses_history_midway_tells_its_sink_instead_of_going_live_over_a_hole() {
    try (HistoryOnTheBus lonely = new HistoryOnTheBus(new JsonObject().put("feed", HistoryOnTheBus.namespace(1000, 3600,
        false)))) {
      ChannelHub own = lonely.on(() -> Future.succeededFuture(new ChannelHub(lonely.vertx, lonely.tiers, 3_600_000, 2)));
      String channel = lonely.freshChannel("feed");
      lonely.publish(channel, 6, true);
      String epoch = lonely.on(() -> lonely.tiers.read(new io.rtgw.protocol.HistoryRead(channel, null, 0))).epoch();
      RecordingSink sink = new RecordingSink();
      Resume r = lonely.on(() -> own.resume(own.subscription(channel, sink), new Position(epoch, 0), 2));
      // the history tier goes away after the first page: the next page cannot be read
      HistoryOnTheBus.await(lonely.vertx.undeploy(lonely.vertx.deploymentIDs().iterator().next()));
      Throwable failed = lonely.on(() -> r.catchUp().transform(ar -> Future.succeededFuture(ar.cause())));
      assertThat(failed).isNotNull();
      assertThat(sink.offsets).as("the first page, and nothing after it").containsExactly(1L, 2L);
      assertThat(sink.resets).singleElement().asString().startsWith("interrupted: ");
    }
  }

  private static void run(String channel, List<Step> steps) {
    for (Step step : steps) {
      if (step instanceof Publish p) {
        bus.publish(channel, p.count(), true);
      } else if (step instanceof Lose l) {
        bus.publish(channel, l.count(), false);
      } else if (step instanceof Wait w) {
        // history ages messages out by the wall clock: this row is about that
        sleep(w.ms());
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static final class RecordingSink implements Sink {
    final List<Long> offsets = new ArrayList<>();
    final List<String> resets = new ArrayList<>();

    @Override
    public void message(Outbound message) {
      offsets.add(message.message().offset());
    }

    @Override
    public void presence(Outbound event) {
    }

    @Override
    public void reset(String channel, String epoch, long offset) {
      resets.add(epoch + "/" + offset);
    }

    @Override
    public void interrupted(String channel, Throwable cause) {
      resets.add("interrupted: " + cause.getMessage());
    }
  }
}
