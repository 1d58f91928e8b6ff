package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/local/cluster.sh as an operator runs it: a private Redis and one JVM per tier from the built
 * jar, a message published on one connection node received on the other, the same through nginx when it
 * is installed, and {@code down} leaving no process behind. An integration test (Failsafe): it needs target/gateway.jar, built in the package phase.
 */
class LocalClusterIT {

  private static final Path SCRIPT = Path.of("local/cluster.sh").toAbsolutePath();
  private static final boolean NGINX = Stream.of(System.getenv("PATH").split(java.io.File.pathSeparator))
      .anyMatch(d -> Files.isExecutable(Path.of(d, "nginx"))) || Files.isExecutable(Path.of("/usr/sbin/nginx"));
  private static final List<String> NAMES = List.of("redis", "connection-1", "connection-2", "fanout-1", "history-1", "presence-1");

  @TempDir
  Path dir;

  @Test
  void up_publish_on_one_node_receive_on_the_other_then_down_leaves_nothing() throws Exception {
    assertThat(Path.of("target/gateway.jar")).as("the jar is built before the integration tests").isRegularFile();
    int base = freeBasePort();
    // with nginx installed (.ci/run installs it), the load balancer is part of the run
    int lb = NGINX ? freeLbPort(base) : -1;
    List<String> names = new ArrayList<>(NAMES);
    List<String> args = new ArrayList<>(List.of("up", "--connections", "2", "--fanout", "1", "--history", "1",
        "--presence", "1", "--base-port", String.valueOf(base), "--dir", dir.toString()));
    if (NGINX) {
      names.add("nginx");
      args.addAll(List.of("--lb", String.valueOf(lb)));
    }
    long started = System.nanoTime();
    Map<String, long[]> processes = new LinkedHashMap<>();
    try {
      Result up = script(150, args.toArray(String[]::new));
      assertThat(up.exit).as(up.output).isZero();
      System.out.printf("cluster.sh up%s: %d ms%n%s", NGINX ? " --lb" : "", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), up.output);
      for (String line : up.output.strip().split("\n")) {
        String[] f = line.split(" ");
        assertThat(f).as(line).hasSize(3);
        processes.put(f[0], new long[] {Long.parseLong(f[1]), f[2].equals("-") ? -1 : Long.parseLong(f[2])});
      }
      assertThat(processes.keySet()).containsExactlyElementsOf(names);
      assertThat(processes.get("connection-1")[1]).isEqualTo(base);
      assertThat(processes.get("connection-2")[1]).isEqualTo(base + 1);
      assertThat(processes.get("fanout-1")[1]).isEqualTo(-1);
      processes.values().forEach(p -> assertThat(ProcessHandle.of(p[0]).map(ProcessHandle::isAlive)).contains(true));

      Vertx vertx = Vertx.vertx();
      try (HttpCalls one = new HttpCalls(base);
           SseClient onTwo = SseClient.open(vertx, base + 1, "/sse?channel=chat:local")) {
        onTwo.await(e -> e.type().equals("subscribed"));
        HttpCalls.Reply published = one.post("/publish", new JsonObject().put("channel", "chat:local").put("data", "across"));
        assertThat(published.status()).as(published.body().toString()).isEqualTo(200);
        SseClient.Event message = onTwo.await(e -> e.type().equals("message"));
        assertThat(message.json().getString("data")).isEqualTo("across");
        assertThat(message.json().getLong("offset")).isEqualTo(published.json().getLong("offset"));
        if (NGINX) {
          // round robin over both nodes, no stickiness: a stream through nginx gets what either node publishes
          try (HttpCalls viaLb = new HttpCalls(lb);
               SseClient streamViaLb = SseClient.open(vertx, lb, "/sse?channel=chat:lb")) {
            streamViaLb.await(e -> e.type().equals("subscribed"));
            for (int i = 0; i < 4; i++) {
              assertThat(viaLb.post("/publish", new JsonObject().put("channel", "chat:lb").put("data", i)).status()).isEqualTo(200);
            }
            assertThat(streamViaLb.awaitMessages(4)).extracting(e -> e.json().getInteger("data")).containsExactly(0, 1, 2, 3);
          }
        }
      } finally {
        WsClient.await(vertx.close());
      }

      Result status = script(30, "status", "--dir", dir.toString());
      assertThat(status.output.strip().split("\n")).hasSize(names.size());

      long downAt = System.nanoTime();
      Result down = script(90, "down", "--dir", dir.toString());
      assertThat(down.exit).as(down.output).isZero();
      System.out.printf("cluster.sh down: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downAt));
      processes.forEach((name, p) -> assertThat(ProcessHandle.of(p[0]).map(ProcessHandle::isAlive).orElse(false))
          .as(name + " is gone").isFalse());
      assertThat(script(30, "status", "--dir", dir.toString()).output).isBlank();
    } finally {
      // whatever happened above, leave no process behind
      script(90, "down", "--dir", dir.toString());
      processes.values().forEach(p -> ProcessHandle.of(p[0]).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  /** A base port P with P, P+1, P+100, P+200..P+204 and P+300..P+304 free: the ports cluster.sh takes. */
  private static int freeBasePort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 40_000);
      List<Integer> ports = new ArrayList<>(List.of(base, base + 1, base + 100));
      for (int k = 0; k < 5; k++) {
        ports.add(base + 200 + k);
        ports.add(base + 300 + k);
      }
      if (ports.stream().allMatch(LocalClusterIT::free)) {
        return base;
      }
    }
    throw new IllegalStateException("no free port range found");
  }

  private static int freeLbPort(int base) {
    for (int port = base + 400; port < base + 500; port++) {
      if (free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port for the load balancer");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private record Result(int exit, String output) {
  }

  private Result script(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "script-", ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false)
        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("script.err").toFile()));
    // a short drain keeps down quick; the role files' 10 s is for real deployments
    pb.environment().put("GATEWAY_HTTP_DRAIN_MS", "1000");
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("cluster.sh " + args[0] + " did not finish within " + timeoutSeconds + " s");
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    Path err = dir.resolve("script.err");
    String stderr = Files.isRegularFile(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
    return new Result(p.exitValue(), p.exitValue() == 0 ? stdout : stdout + stderr);
  }
}
