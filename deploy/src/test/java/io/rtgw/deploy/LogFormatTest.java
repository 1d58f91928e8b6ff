package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped logback configuration, in a real launcher JVM: ISO-8601 timestamps in text, one JSON object a
 * line with {@code RTGW_LOG_FORMAT=json}; one line when the node starts (roles, port), drains and stops;
 * and a client that resets its connection mid-POST leaves no error and no stack trace behind.
 */
class LogFormatTest {

  private static final Pattern ISO_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (INFO |WARN |ERROR|DEBUG) .*");
  private static final Pattern ISO_TIMESTAMP = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3,9}Z$");
  private static final Pattern PORT = Pattern.compile("http on http://localhost:(\\d+)/");

  @TempDir
  Path dir;

  @Test
  void text_lines_start_with_an_iso_8601_timestamp_and_say_start_drain_and_stop() throws Exception {
    List<String> lines = runAndStop(Map.of());
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).matches(ISO_LINE));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("rtgw started: node ")
        .contains("roles connection x" + Runtime.getRuntime().availableProcessors() + " fanout x1 history x1 presence x1").contains("not clustered"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("Draining: 0 clients connected"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("rtgw stopped: node "));
  }

  @Test
  void the_json_switch_writes_one_parseable_object_a_line() throws Exception {
    List<String> lines = runAndStop(Map.of("RTGW_LOG_FORMAT", "json"));
    List<JsonObject> objects = new ArrayList<>();
    for (String line : lines) {
      objects.add(new JsonObject(line));
    }
    assertThat(objects).isNotEmpty().allSatisfy(o -> {
      assertThat(o.getString("@timestamp")).matches(ISO_TIMESTAMP);
      assertThat(o.getString("level")).isIn("INFO", "WARN", "DEBUG");
      assertThat(o.getString("logger_name")).isNotBlank();
      assertThat(o.containsKey("stack_trace")).isFalse();
    });
    assertThat(objects).anySatisfy(o -> assertThat(o.getString("message")).startsWith("rtgw started: node "));
    assertThat(objects).anySatisfy(o -> assertThat(o.getString("message")).startsWith("rtgw stopped: node "));
  }

  /**
   * Starts the launcher, resets a connection mid-POST body, stops it with SIGTERM and returns its stdout
   * lines; none may be an error or a stack trace.
   */
  private List<String> runAndStop(Map<String, String> env) throws Exception {
    URL shipped = Main.class.getClassLoader().getResource("logback.xml");
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dlogback.configurationFile=" + Path.of(shipped.toURI()), "-cp", System.getProperty("java.class.path"),
        Main.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(Map.of("GATEWAY_HTTP_HOST", "127.0.0.1", "GATEWAY_HTTP_PORT", "0",
        "GATEWAY_DEMO_TICKER", "false"));
    pb.environment().putAll(env);
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
          Matcher m = PORT.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (Exception e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new AssertionError("the launcher ended before it started: " + lines));
    });
    reader.start();
    try {
      resetMidBody(port.get(60, TimeUnit.SECONDS));
      // real time on purpose: what is checked is that nothing is logged, and absence has no event to wait on
      Thread.sleep(300);
    } finally {
      // SIGTERM, as an orchestrator sends it; Process.destroy() would also close our end of its output
      p.toHandle().destroy();
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the launcher exits on SIGTERM").isTrue();
    reader.join(10_000);
    synchronized (lines) {
      assertThat(lines).noneSatisfy(l -> assertThat(l).containsAnyOf("ERROR", "\tat ", "Exception"));
      return lines.stream().filter(l -> !l.isBlank()).toList();
    }
  }

  /** A client that promises 1,000 bytes of body, sends a few and resets the connection. */
  private static void resetMidBody(int port) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
          + "{\"channel\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // real time on purpose: the server must be reading the body when the reset comes
      Thread.sleep(200);
      socket.setSoLinger(true, 0);
    }
  }
}
