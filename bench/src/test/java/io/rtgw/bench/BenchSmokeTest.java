package io.rtgw.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.bench.run.Runner;
import io.rtgw.bench.run.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark at tiny scale, so it keeps working: the gateway (from this classpath), the floor, and
 * each peer that is installed here, every scenario once, every message delivered.
 */
class BenchSmokeTest {

  @BeforeAll
  static void fromTheCheckoutRoot() {
    // surefire runs in bench/; the runner finds the peers from the checkout's root
    System.setProperty("rtgw.root", "..");
  }

  @Test
  void everyScenarioDeliversEveryMessageOnEveryInstalledServer(@TempDir Path out) throws Exception {
    Settings settings = Settings.smoke(out, List.of("-cp", System.getProperty("java.class.path"), "io.rtgw.deploy.Main"));

    JsonObject results = Runner.run(settings);

    List<String> failures = new ArrayList<>();
    int ok = 0;
    for (Object o : results.getJsonArray("runs")) {
      JsonObject run = (JsonObject) o;
      String what = run.getString("server") + " " + run.getString("scenario");
      switch (run.getString("status")) {
        case "ok" -> {
          ok++;
          JsonObject f = run.getJsonObject("figures");
          if (f.containsKey("delivered_pct") && f.getDouble("delivered_pct") < 100.0) {
            failures.add(what + " delivered " + f.getDouble("delivered_pct") + "%");
          }
          boolean resumes = !run.getString("server").equals("floor") && !run.getString("server").equals("socketio");
          if (f.containsKey("lost") && resumes && f.getDouble("lost") > 0) {
            failures.add(what + " lost " + f.getDouble("lost"));
          }
          if (f.containsKey("failed_reconnects") && f.getDouble("failed_reconnects") > 0) {
            failures.add(what + ": " + f.getDouble("failed_reconnects") + " clients did not come back");
          }
          // issue 15's shapes: every identified connection opened, kept and got its inbox; no publish failed
          boolean shapes = run.getString("scenario").startsWith("idle-identified") || run.getString("scenario").startsWith("direct");
          for (String zero : List.of("failed_connections", "publish_errors", "server_closes", "without_inbox", "error_frames")) {
            if (shapes && f.containsKey(zero) && f.getDouble(zero) > 0) {
              failures.add(what + ": " + zero + " " + f.getDouble(zero));
            }
          }
          if (f.containsKey("stream_delivered_pct") && f.getDouble("stream_delivered_pct") < 100.0) {
            failures.add(what + " delivered " + f.getDouble("stream_delivered_pct") + "% of the stream");
          }
        }
        case "not available" -> assertThat(run.getString("scenario")).doesNotStartWith("burst/ws");
        default -> failures.add(what + ": " + run.getString("status") + " " + run.getString("note"));
      }
    }
    assertThat(failures).isEmpty();
    assertThat(ok).as("gateway and floor ran every WebSocket scenario").isGreaterThanOrEqualTo(10);
    assertThat(results.getJsonArray("runs").stream().map(JsonObject.class::cast)
        .filter(r -> "gateway".equals(r.getString("server")) && "ok".equals(r.getString("status")))
        .map(r -> r.getString("scenario")))
        .as("the gateway ran issue 15's shapes, clustered and with clients that offer compression")
        .anyMatch(k -> k.startsWith("idle-identified/ws ") && k.contains("cluster"))
        .anyMatch(k -> k.startsWith("direct/ws ") && k.contains("redis"))
        .anyMatch(k -> k.startsWith("direct/ws+deflate"));
    assertThat(Files.readString(Path.of(results.getString("markdownFile")))).contains("| scenario | figure |");
  }
}
