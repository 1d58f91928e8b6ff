package io.rtgw.bench.run;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private redis-server for the gateway's Redis stores, on a free loopback port, pinned with the server
 * under test (it is part of what serves). Nothing is persisted. Asked only for what the bench measures:
 * commands processed ({@code INFO stats}), its CPU time and resident memory from /proc.
 */
final class RedisServer implements AutoCloseable {

  final int port;
  private final Process process;

  private RedisServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  static String unavailable() {
    return ServerUnderTest.onPath("redis-server") ? null : "redis-server is not installed";
  }

  static RedisServer start(List<String> pin, Path logDir) throws IOException {
    int port = ServerUnderTest.freePort();
    Path dir = Files.createTempDirectory("rtgw-bench-redis");
    List<String> cmd = new ArrayList<>(pin);
    cmd.addAll(List.of("redis-server", "--port", String.valueOf(port), "--bind", ServerUnderTest.HOST, "--save", "",
        "--appendonly", "no", "--dir", dir.toString(), "--maxclients", "10000"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logDir.resolve("redis-" + port + ".log").toFile()).start();
    RedisServer r = new RedisServer(port, p);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("redis-server exited at start (see redis-" + port + ".log)");
      }
      try {
        r.info("server");
        return r;
      } catch (IOException e) {
        ServerUnderTest.sleep(100);
      }
    }
    r.close();
    throw new IOException("redis-server did not answer on " + port + " within 30 s");
  }

  String endpoint() {
    return "redis://" + ServerUnderTest.HOST + ":" + port;
  }

  /** Commands Redis has processed since it started, less the {@code INFO} that asks. */
  long commandsProcessed() {
    try {
      for (String line : info("stats").split("\r\n")) {
        if (line.startsWith("total_commands_processed:")) {
          return Long.parseLong(line.substring(line.indexOf(':') + 1).trim()) - 1;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Calls per command since start ({@code INFO commandstats}), e.g. {@code evalsha -> 1234}; empty if Redis did not answer. */
  java.util.Map<String, Long> commandCalls() {
    java.util.Map<String, Long> calls = new java.util.TreeMap<>();
    try {
      for (String line : info("commandstats").split("\r\n")) {
        int at = line.indexOf("calls=");
        if (line.startsWith("cmdstat_") && at > 0) {
          calls.put(line.substring(8, line.indexOf(':')), Long.parseLong(line.substring(at + 6, line.indexOf(',', at))));
        }
      }
    } catch (IOException | RuntimeException e) {
      return java.util.Map.of();
    }
    return calls;
  }

  long cpuMillis() {
    return ServerUnderTest.cpuTicks(process.pid()) * 1000 / ServerUnderTest.CLOCK_TICKS;
  }

  long rssKb() {
    return ServerUnderTest.rssKb(process.pid());
  }

  /** One {@code INFO <section>} over a fresh connection: the bulk string it answers. */
  private String info(String section) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(ServerUnderTest.HOST, port), 2000);
      s.setSoTimeout(5000);
      s.getOutputStream().write(("INFO " + section + "\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = new BufferedInputStream(s.getInputStream());
      String head = line(in);
      if (!head.startsWith("$")) {
        throw new IOException("redis answered " + head);
      }
      return new String(in.readNBytes(Integer.parseInt(head.substring(1))), StandardCharsets.UTF_8);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
