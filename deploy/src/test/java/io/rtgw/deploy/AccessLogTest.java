package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.Eventually;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code http.accessLog} in a real launcher JVM with the shipped logback configuration: one line per
 * request and per WebSocket upgrade, with method, path, status, bytes, time and client IP, and no
 * credential anywhere in the output (query tokens and Authorization headers redacted).
 */
class AccessLogTest {

  private static final Pattern PORT = Pattern.compile("http on http://localhost:(\\d+)/");
  private static final String QUERY_SECRET = "eyJqueryTokenSecret";
  private static final String CHANNEL_SECRET = "eyJchannelTokenSecret";
  private static final String HEADER_SECRET = "eyJheaderSecret";

  @TempDir
  Path dir;

  @Test
  void requests_and_upgrades_are_logged_one_line_each_with_credentials_redacted() throws Exception {
    List<String> lines = new ArrayList<>();
    Process launcher = launch(lines);
    Vertx clients = Vertx.vertx();
    try {
      int port = awaitPort(lines);
      try (HttpCalls http = new HttpCalls(port)) {
        http.get("/history?channel=chat:log&token=" + QUERY_SECRET, Map.of("Authorization", "Bearer " + HEADER_SECRET));
        http.get("/nowhere");
        try (WsClient ws = WsClient.connect(clients, port, "user=alice&channel_token=" + CHANNEL_SECRET)) {
          ws.subscribe("chat:log");
        }
      }
      Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(access(lines)).hasSize(3));
      // a stream lets go of its request's headers and parameters once open: its line is still whole
      io.vertx.core.http.HttpClient http = clients.createHttpClient();
      String token = WsClient.await(io.rtgw.testkit.ClientContext.on(clients, () -> http.request(
          io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/demo/token?user=bob")
          .compose(r -> r.send()).compose(r -> r.body()))).toJsonObject().getString("token");
      // the handler goes on in the task that delivers the head: the first event may come in the same read
      CompletableFuture<Void> firstEvent = new CompletableFuture<>();
      io.vertx.core.http.HttpClientResponse stream = WsClient.await(io.rtgw.testkit.ClientContext.on(clients,
          () -> http.request(io.vertx.core.http.HttpMethod.GET, port, "127.0.0.1", "/sse?channel=chat:log")
              .compose(r -> r.putHeader("Authorization", "Bearer " + token).send())
              .map(r -> r.handler(b -> firstEvent.complete(null)))));
      assertThat(stream.statusCode()).isEqualTo(200);
      firstEvent.get(20, TimeUnit.SECONDS);
      WsClient.await(stream.request().connection().close());
      Eventually.eventually(Duration.ofSeconds(20), () -> assertThat(access(lines)).hasSize(5));
    } finally {
      WsClient.await(clients.close());
      launcher.toHandle().destroy();
      assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    List<String> access = access(lines);
    assertThat(access.get(0)).matches(".* rtgw\\.access - 127\\.0\\.0\\.1 \"GET /history\\?channel=chat:log&token=\\[redacted\\]"
        + " HTTP/1\\.1\" 401 \\d+ bytes \\d+ ms auth=\\[redacted\\]$");
    assertThat(access.get(1)).matches(".* rtgw\\.access - 127\\.0\\.0\\.1 \"GET /nowhere HTTP/1\\.1\" 404 \\d+ bytes \\d+ ms$");
    assertThat(access.get(2)).matches(".* rtgw\\.access - 127\\.0\\.0\\.1 \"GET /ws\\?user=alice&channel_token=\\[redacted\\]"
        + " HTTP/1\\.1\" 101 0 bytes \\d+ ms$");
    assertThat(access.get(3)).contains("\"GET /demo/token?user=bob HTTP/1.1\" 200");
    assertThat(access.get(4)).matches(".* rtgw\\.access - 127\\.0\\.0\\.1 \"GET /sse\\?channel=chat:log HTTP/1\\.1\" 200"
        + " [1-9]\\d* bytes \\d+ ms auth=\\[redacted\\]$");
    synchronized (lines) {
      assertThat(lines).noneSatisfy(l -> assertThat(l).containsAnyOf(QUERY_SECRET, CHANNEL_SECRET, HEADER_SECRET));
    }
  }

  private static List<String> access(List<String> lines) {
    synchronized (lines) {
      return lines.stream().filter(l -> l.contains(" rtgw.access - ")).toList();
    }
  }

  private Process launch(List<String> lines) throws Exception {
    URL shipped = Main.class.getClassLoader().getResource("logback.xml");
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dlogback.configurationFile=" + Path.of(shipped.toURI()), "-cp", System.getProperty("java.class.path"),
        Main.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(Map.of("GATEWAY_HTTP_HOST", "127.0.0.1", "GATEWAY_HTTP_PORT", "0",
        "GATEWAY_DEMO_TICKER", "false", "GATEWAY_HTTP_ACCESS_LOG", "true", "GATEWAY_HTTP_DRAIN_MS", "0"));
    Process p = pb.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
        }
      } catch (Exception e) {
        // the process ended; what it wrote is in lines
      }
    });
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private static int awaitPort(List<String> lines) {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Eventually.eventually(Duration.ofSeconds(60), () -> {
      synchronized (lines) {
        for (String l : lines) {
          Matcher m = PORT.matcher(l);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      }
      assertThat(port).as("the launcher's start line").isDone();
    });
    return port.join();
  }
}
