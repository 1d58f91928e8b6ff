package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.codec.Codecs;
import io.rtgw.protocol.config.PresenceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class PresenceReporterTest {

  private static final PresenceConfig CONFIG = new PresenceConfig(null, 60_000L, null, null, 30L);

  @Test
  void a_client_that_comes_and_goes_within_one_window_is_not_reported(Vertx vertx, VertxTestContext test) throws Exception {
    Codecs.register(vertx);
    List<PresenceReport> reports = new CopyOnWriteArrayList<>();
    vertx.eventBus().<PresenceReport>consumer(Addresses.PRESENCE_REPORT, m -> {
      reports.add(m.body());
      m.reply(new JsonObject());
    });
    PresenceEntry brief = new PresenceEntry("chat:a", "alice", "c1");
    PresenceEntry stays = new PresenceEntry("chat:a", "bob", "c2");
    vertx.runOnContext(v -> {
      PresenceReporter reporter = new PresenceReporter(vertx, "node-1", CONFIG);
      reporter.join(brief);
      reporter.join(stays);
      reporter.leave(brief);
      vertx.setTimer(300, id -> test.verify(() -> {
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).joins()).containsExactly(stays);
        assertThat(reports.get(0).leaves()).isEmpty();
        reporter.close();
        test.completeNow();
      }));
    });
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void joins_and_leaves_in_one_window_travel_in_one_report(Vertx vertx, VertxTestContext test) throws Exception {
    Codecs.register(vertx);
    List<PresenceReport> reports = new CopyOnWriteArrayList<>();
    vertx.eventBus().<PresenceReport>consumer(Addresses.PRESENCE_REPORT, m -> {
      reports.add(m.body());
      m.reply(new JsonObject());
    });
    vertx.runOnContext(v -> {
      PresenceReporter reporter = new PresenceReporter(vertx, "node-1", CONFIG);
      for (int i = 0; i < 1000; i++) {
        reporter.join(new PresenceEntry("chat:a", "u" + i, "c" + i));
      }
      vertx.setTimer(200, id -> {
        for (int i = 0; i < 500; i++) {
          reporter.leave(new PresenceEntry("chat:a", "u" + i, "c" + i));
        }
        vertx.setTimer(200, id2 -> test.verify(() -> {
          assertThat(reports).hasSize(2);
          assertThat(reports.get(0).joins()).hasSize(1000);
          assertThat(reports.get(1).leaves()).hasSize(500);
          assertThat(reporter.size()).isEqualTo(500);
          reporter.close();
          test.completeNow();
        }));
      });
    });
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void a_reassertion_goes_out_in_batches_one_task_each_and_skips_who_left_meanwhile(Vertx vertx, VertxTestContext test)
      throws Exception {
    Codecs.register(vertx);
    vertx.eventBus().<String>consumer(Addresses.PRESENCE_LEASE, m -> m.reply(new JsonObject().put("held", false)));
    PresenceConfig beating = new PresenceConfig(null, 300L, null, null, 30L);
    int total = 2 * PresenceReporter.MAX_BATCH + 10;
    PresenceEntry last = new PresenceEntry("chat:a", "u" + (total - 1), "c" + (total - 1));
    List<PresenceReport> refreshes = new CopyOnWriteArrayList<>();
    vertx.runOnContext(v -> {
      PresenceReporter reporter = new PresenceReporter(vertx, "node-1", beating);
      // on the reporter's own event loop: the first batch is handled before the next one is built
      vertx.eventBus().<PresenceReport>consumer(Addresses.PRESENCE_REPORT, m -> {
        m.reply(new JsonObject());
        if (m.body().refresh().isEmpty() || refreshes.size() >= 3) {
          return;
        }
        refreshes.add(m.body());
        if (refreshes.size() == 1) {
          reporter.leave(last);
        }
        if (refreshes.size() == 3) {
          test.verify(() -> {
            assertThat(refreshes).allSatisfy(r -> assertThat(r.refresh().size()).isLessThanOrEqualTo(PresenceReporter.MAX_BATCH));
            assertThat(refreshes.stream().mapToInt(r -> r.refresh().size()).sum()).isEqualTo(total - 1);
            assertThat(refreshes.get(2).refresh()).doesNotContain(last);
            reporter.close();
            test.completeNow();
          });
        }
      });
      for (int i = 0; i < total; i++) {
        reporter.join(new PresenceEntry("chat:a", "u" + i, "c" + i));
      }
    });
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void a_heartbeat_is_one_lease_renewal_and_the_entries_go_again_only_when_the_lease_is_not_held(Vertx vertx,
      VertxTestContext test) throws Exception {
    Codecs.register(vertx);
    PresenceConfig beating = new PresenceConfig(null, 100L, null, null, 10L);
    AtomicInteger renewals = new AtomicInteger();
    AtomicBoolean held = new AtomicBoolean(true);
    List<String> holders = new CopyOnWriteArrayList<>();
    List<PresenceReport> reports = new CopyOnWriteArrayList<>();
    vertx.eventBus().<String>consumer(Addresses.PRESENCE_LEASE, m -> {
      renewals.incrementAndGet();
      holders.add(m.body());
      m.reply(new JsonObject().put("held", held.getAndSet(true)));
    });
    vertx.eventBus().<PresenceReport>consumer(Addresses.PRESENCE_REPORT, m -> {
      reports.add(m.body());
      m.reply(new JsonObject());
    });
    vertx.runOnContext(v -> {
      PresenceReporter reporter = new PresenceReporter(vertx, "node-1", beating);
      for (int i = 0; i < 300; i++) {
        reporter.join(new PresenceEntry("chat:a", "u" + i, "c" + i));
      }
      // real time on purpose: what must not be sent can only be waited out, over several heartbeats
      vertx.setTimer(700, id -> test.verify(() -> {
        assertThat(renewals.get()).isGreaterThanOrEqualTo(3);
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).joins()).hasSize(300);
        assertThat(holders).allSatisfy(h -> assertThat(h).isEqualTo(reporter.holder()).startsWith("node-1#"));
        assertThat(PresenceReport.nodeOf(reporter.holder())).isEqualTo("node-1");
        held.set(false);
        vertx.setTimer(400, id2 -> test.verify(() -> {
          assertThat(reports).hasSize(2);
          assertThat(reports.get(1).refresh()).hasSize(300);
          reporter.close();
          test.completeNow();
        }));
      }));
    });
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void a_failed_report_sends_its_leaves_again_and_reasserts_its_joins_at_the_next_heartbeat(Vertx vertx,
      VertxTestContext test) throws Exception {
    Codecs.register(vertx);
    PresenceConfig beating = new PresenceConfig(null, 200L, null, null, 10L);
    AtomicBoolean failing = new AtomicBoolean(true);
    List<PresenceReport> applied = new CopyOnWriteArrayList<>();
    vertx.eventBus().<String>consumer(Addresses.PRESENCE_LEASE, m -> m.reply(new JsonObject().put("held", true)));
    vertx.eventBus().<PresenceReport>consumer(Addresses.PRESENCE_REPORT, m -> {
      if (failing.get()) {
        m.fail(503, "The presence store (Redis) cannot be reached; retry later.");
      } else {
        applied.add(m.body());
        m.reply(new JsonObject());
      }
    });
    PresenceEntry stays = new PresenceEntry("chat:a", "amy", "c1");
    PresenceEntry goes = new PresenceEntry("chat:a", "ben", "c2");
    vertx.runOnContext(v -> {
      PresenceReporter reporter = new PresenceReporter(vertx, "node-1", beating);
      reporter.join(stays);
      reporter.join(goes);
      vertx.setTimer(50, id -> {
        reporter.leave(goes);
        vertx.setTimer(50, id2 -> {
          failing.set(false);
          // real time on purpose: the next heartbeat makes both failed reports good
          vertx.setTimer(400, id3 -> test.verify(() -> {
            assertThat(applied.stream().flatMap(r -> r.leaves().stream()).toList()).containsExactly(goes);
            assertThat(applied.stream().flatMap(r -> r.refresh().stream()).toList()).contains(stays).doesNotContain(goes);
            reporter.close();
            test.completeNow();
          }));
        });
      });
    });
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void a_report_waits_for_the_one_before_it_so_a_leave_never_overtakes_its_join(Vertx vertx, VertxTestContext test)
      throws Exception {
    Codecs.register(vertx);
    List<io.vertx.core.eventbus.Message<PresenceReport>> unanswered = new CopyOnWriteArrayList<>();
    vertx.eventBus().<PresenceReport>consumer(Addresses.PRESENCE_REPORT, unanswered::add);
    PresenceEntry e = new PresenceEntry("chat:a", "dan", "c1");
    vertx.runOnContext(v -> {
      PresenceReporter reporter = new PresenceReporter(vertx, "node-1", CONFIG);
      reporter.join(e);
      vertx.setTimer(200, id -> {
        reporter.leave(e);
        // real time on purpose: a report that must not be sent yet can only be waited out
        vertx.setTimer(200, id2 -> test.verify(() -> {
          assertThat(unanswered).hasSize(1);
          assertThat(unanswered.get(0).body().joins()).containsExactly(e);
          unanswered.get(0).reply(new JsonObject());
          vertx.setTimer(200, id3 -> test.verify(() -> {
            assertThat(unanswered).hasSize(2);
            assertThat(unanswered.get(1).body().leaves()).containsExactly(e);
            reporter.close();
            test.completeNow();
          }));
        }));
      });
    });
    assertThat(test.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
  }
}
