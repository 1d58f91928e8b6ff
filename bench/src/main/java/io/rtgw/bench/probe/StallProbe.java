package io.rtgw.bench.probe;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stall probe: {@code idle} identified WebSockets held on the gateway by {@link IdleSockets} processes
 * (as many as the per-process file limit needs, each from its own loopback source address), and one
 * {@link PingProbe} pinging every {@code intervalMs} for {@code seconds}, which should span at least two
 * WebSocket ping intervals and two position-check rounds (25 s and 2 s by default: 60 s does). Answers the
 * probe's figures, with the idle count.
 *
 * <p>{@code java -cp <bench classpath> io.rtgw.bench.probe.StallProbe <host> <port> <idle> [seconds] [intervalMs]}
 */
public final class StallProbe {

  public static final long DEFAULT_INTERVAL_MS = 5;
  public static final double DEFAULT_SECONDS = 60;

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int idle = Integer.parseInt(args[2]);
    double seconds = args.length > 3 ? Double.parseDouble(args[3]) : DEFAULT_SECONDS;
    long interval = args.length > 4 ? Long.parseLong(args[4]) : DEFAULT_INTERVAL_MS;
    System.out.println(run(host, port, idle, seconds, interval).encode());
    System.exit(0);
  }

  /** Holds {@code idle} sockets, probes, lets them go; the figures as one JSON object. */
  public static JsonObject run(String host, int port, int idle, double seconds, long intervalMs) throws Exception {
    String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    String channel = "feed:stall-" + run;
    List<Process> holders = new ArrayList<>();
    PingProbe probe = new PingProbe();
    try {
      long openStarted = System.nanoTime();
      int opened = 0;
      int failed = 0;
      int processes = (idle + IdleSockets.MAX_PER_PROCESS - 1) / IdleSockets.MAX_PER_PROCESS;
      List<BufferedReader> outs = new ArrayList<>();
      for (int p = 0; p < processes; p++) {
        int count = idle / processes + (p < idle % processes ? 1 : 0);
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), IdleSockets.class.getName(),
            host, String.valueOf(port), String.valueOf(count), "idle-" + run + "-" + p + "-", channel, "127.0.0." + (2 + p))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        holders.add(holder);
        outs.add(new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8)));
      }
      for (BufferedReader out : outs) {
        String line = out.readLine();
        if (line == null || !line.startsWith("opened ")) {
          throw new IllegalStateException("an idle-socket process ended before opening its sockets: " + line);
        }
        String[] words = line.split(" ");
        opened += Integer.parseInt(words[1]);
        failed += Integer.parseInt(words[3]);
      }
      double openS = (System.nanoTime() - openStarted) / 1e9;
      PingProbe.Result r = probe.run(host, port, "/ws?user=probe-" + run, intervalMs, seconds)
          .toCompletionStage().toCompletableFuture().get((long) seconds + 60, TimeUnit.SECONDS);
      return r.toJson().put("idle", opened).put("idle_failed", failed).put("open_s", openS)
          .put("interval_ms", intervalMs).put("seconds", seconds);
    } finally {
      probe.close();
      for (Process holder : holders) {
        try (OutputStream in = holder.getOutputStream()) {
          in.flush();
        } catch (IOException e) {
          // already gone
        }
      }
      for (Process holder : holders) {
        if (!holder.waitFor(30, TimeUnit.SECONDS)) {
          holder.destroyForcibly();
        }
      }
    }
  }
}
