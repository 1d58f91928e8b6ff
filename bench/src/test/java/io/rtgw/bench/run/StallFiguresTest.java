package io.rtgw.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stall step's attribution: slow answers beside the JVMs' safepoints and the gateway's long-task warnings. */
class StallFiguresTest {

  @Test
  void a_slow_answer_is_the_loops_only_for_what_no_pause_of_either_jvm_covers(@TempDir Path dir) throws Exception {
    Path server = dir.resolve("server.log");
    Path probe = dir.resolve("probe.log");
    // written as each safepoint ends: 12 ms ending at 10,020 (inside the window), 30 ms before it
    Files.writeString(server, String.join("\n",
        "[9000ms][info][safepoint] Safepoint \"G1CollectForAllocation\", Time since last: 1 ns, Reaching safepoint: 1 ns,"
            + " Cleanup: 1 ns, At safepoint: 1 ns, Total: 30000000 ns",
        "[10020ms][info][safepoint] Safepoint \"G1CollectForAllocation\", Time since last: 1 ns, Reaching safepoint: 1 ns,"
            + " Cleanup: 1 ns, At safepoint: 1 ns, Total: 12000000 ns", ""));
    Files.writeString(probe, "[20005ms][info][safepoint] Safepoint \"Cleanup\", Time since last: 1 ns, Total: 4000000 ns\n");
    JsonObject answers = new JsonObject().put("from_epoch_ms", 10_000L).put("to_epoch_ms", 70_000L)
        .put("slow", new JsonArray()
            .add(new JsonArray().add(10_005L).add(16.0))   // 12 ms of it the server stopped: 4 left
            .add(new JsonArray().add(20_000L).add(15.0))   // the probe stopped 4 ms: 11 left
            .add(new JsonArray().add(30_000L).add(25.5))); // nothing stopped

    Map<String, Double> f = Scenarios.stallsBesidePauses(answers, server, probe);

    assertThat(f.get("server_safepoint_max_ms")).isEqualTo(12.0);
    assertThat(f.get("server_safepoints_over_10ms")).isEqualTo(1.0);
    assertThat(f.get("over_10ms_beside_no_pause")).isEqualTo(2.0);
    assertThat(f.get("max_ms_beside_no_pause")).isEqualTo(25.5);
  }

  @Test
  void warnings_of_one_growing_block_count_as_one_task(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("gateway.log");
    String w = " WARN  [vertx-blocked-thread-checker] i.v.c.i.BlockedThreadChecker - Thread ";
    Files.writeString(log, String.join("\n",
        "1970-01-01T00:00:09.000Z" + w + "vert.x-eventloop-thread-1 has been blocked for 40 ms, time limit is 10 ms",
        "1970-01-01T00:00:10.010Z" + w + "vert.x-eventloop-thread-1 has been blocked for 12 ms, time limit is 10 ms",
        "1970-01-01T00:00:10.012Z" + w + "vert.x-eventloop-thread-1 has been blocked for 14 ms, time limit is 10 ms",
        "io.vertx.core.VertxException: Thread blocked",
        "1970-01-01T00:00:10.016Z" + w + "vert.x-eventloop-thread-1 has been blocked for 18 ms, time limit is 10 ms",
        "1970-01-01T00:00:30.000Z" + w + "vert.x-eventloop-thread-1 has been blocked for 11 ms, time limit is 10 ms",
        "1970-01-01T00:01:20.000Z" + w + "vert.x-eventloop-thread-0 has been blocked for 90 ms, time limit is 10 ms", ""));

    Map<String, Double> f = Scenarios.longTasks(log, 10_000, 70_000);

    assertThat(f.get("loop_tasks_over_10ms")).isEqualTo(2.0);
    assertThat(f.get("loop_task_max_ms")).isEqualTo(18.0);
  }
}
