package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.codec.Codecs;
import io.rtgw.protocol.config.PresenceConfig;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class PresenceReporterTest {

  private static final PresenceConfig CONFIG = new PresenceConfig(null, 60_000L, null, null, 30L);

  @Test
  void a_client_that_comes_and_goes_within_one_window_is_not_reported(Vertx vertx, VertxTestContext test) throws Exception {
    Codecs.register(vertx);
    List<PresenceReport> reports = new CopyOnWriteArrayList<>();
    vertx.eventBus().<PresenceReport>consumer(Addresses.PRESENCE_REPORT, m -> reports.add(m.body()));
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
    vertx.eventBus().<PresenceReport>consumer(Addresses.PRESENCE_REPORT, m -> reports.add(m.body()));
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
}
