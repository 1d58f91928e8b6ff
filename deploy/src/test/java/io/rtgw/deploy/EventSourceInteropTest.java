package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.Offsets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SSE against a client that is not ours: the npm {@code eventsource} package under node, which follows
 * the browser's EventSource (its own parser, its own reconnect with Last-Event-ID). The node project
 * lives in src/test/node with a lock file; {@code npm ci} runs here when its modules are missing.
 */
class EventSourceInteropTest {

  private static final Path NODE_PROJECT = Path.of("src", "test", "node");
  private static final long NPM_TIMEOUT_S = 180;
  private static final long SCRIPT_TIMEOUT_S = 60;

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone();

  @BeforeAll
  static void install() throws Exception {
    installNodeModules();
  }

  @Test
  void the_npm_eventsource_client_resumes_a_cut_stream_by_itself_without_loss() throws Exception {
    String channel = "chat:node-resume";
    int count = 10;
    long start = gateway.http().get("/history?channel=" + channel + "&limit=0").json().getLong("offset");
    Run run = run(List.of("node", "sse-resume.mjs", String.valueOf(gateway.port()), channel, String.valueOf(count)),
        SCRIPT_TIMEOUT_S);
    assertThat(run.exit()).as("node exit; stderr: %s", run.stderr()).isZero();
    String[] lines = run.stdout().strip().split("\n");
    JsonObject seen = new JsonObject(lines[lines.length - 1]);

    assertThat(seen.getInteger("connections")).as("the library reconnected by itself").isEqualTo(2);
    JsonArray headers = seen.getJsonArray("resumeHeaders");
    assertThat(headers.getValue(0)).isNull();
    assertThat(headers.getString(1)).as("Last-Event-ID sent on reconnect").isNotBlank().matches("[A-Za-z0-9_-]+");
    assertThat(seen.getJsonArray("subscribed")).hasSize(2);
    JsonObject resumed = seen.getJsonArray("subscribed").getJsonObject(1).getJsonArray("channels").getJsonObject(0);
    assertThat(resumed.getBoolean("recovered")).isTrue();
    List<Long> offsets = seen.getJsonArray("offsets").stream().map(o -> ((Number) o).longValue()).toList();
    assertThat(offsets).containsExactlyElementsOf(Offsets.range(start + 1, start + count));
    assertThat(seen.getJsonArray("lastEventIds")).allMatch(id -> id instanceof String s && !s.isBlank());
  }

  private static void installNodeModules() throws Exception {
    if (Files.isDirectory(NODE_PROJECT.resolve("node_modules").resolve("eventsource"))) {
      return;
    }
    Run install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), NPM_TIMEOUT_S);
    assertThat(install.exit()).as("npm ci in %s failed: %s", NODE_PROJECT, install.stderr()).isZero();
  }

  private record Run(int exit, String stdout, String stderr) {
  }

  private static Run run(List<String> command, long timeoutS) throws IOException, InterruptedException {
    File out = File.createTempFile("node-out", ".txt");
    File err = File.createTempFile("node-err", ".txt");
    try {
      Process p;
      try {
        p = new ProcessBuilder(command).directory(NODE_PROJECT.toFile())
            .redirectOutput(out).redirectError(err).start();
      } catch (IOException e) {
        throw new AssertionError("This test runs '" + command.get(0) + "' (node 18 or later with npm); it could not"
            + " be started: " + e.getMessage(), e);
      }
      if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutS + " s; stderr: "
            + Files.readString(err.toPath(), StandardCharsets.UTF_8));
      }
      return new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } finally {
      out.delete();
      err.delete();
    }
  }
}
