package io.rtgw.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests, on a free loopback port and without persistence, so a kill and
 * restart loses everything, as a production Redis without persistence would. Never the shared 6379.
 */
public final class RedisServer implements AutoCloseable {

  public static final String BINARY = "/usr/bin/redis-server";
  private static final int SHARED_PORT = 6379;
  private static final long START_TIMEOUT_MS = 10_000;

  private final int port;
  private final Path dir;
  private Process process;

  private RedisServer(int port, Path dir) {
    this.port = port;
    this.dir = dir;
  }

  /** Starts a server on a free port and waits until it answers PING. */
  public static RedisServer start() {
    Path dir;
    try {
      dir = Files.createTempDirectory("rtgw-redis-");
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a directory for redis-server", e);
    }
    IllegalStateException last = null;
    // the port is free when chosen but may be taken before redis binds it: try another
    for (int attempt = 0; attempt < 5; attempt++) {
      RedisServer server = new RedisServer(freePort(), dir);
      try {
        server.restart();
        return server;
      } catch (IllegalStateException e) {
        server.stop();
        last = e;
      }
    }
    throw last;
  }

  public int port() {
    return port;
  }

  /** The endpoint for the gateway's {@code redis.endpoint}. */
  public String endpoint() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again) on the same port, empty; waits until it answers PING. */
  public synchronized void restart() {
    if (isRunning()) {
      throw new IllegalStateException("redis-server on port " + port + " is already running");
    }
    try {
      process = new ProcessBuilder(List.of(BINARY, "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile()))
          .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + BINARY, e);
    }
    try {
      Eventually.eventually(Duration.ofMillis(START_TIMEOUT_MS), () -> {
        if (!process.isAlive()) {
          // not retried: start() tries another port
          throw new IllegalStateException("redis-server exited at start (port " + port + " taken?); see " + dir);
        }
        if (!"+PONG".equals(tryCommand("PING"))) {
          throw new AssertionError("no PONG yet");
        }
      });
    } catch (AssertionError e) {
      throw new IllegalStateException("redis-server on port " + port + " did not answer PING within " + START_TIMEOUT_MS + " ms", e);
    }
  }

  /** Kills the server at once (SIGKILL): it loses everything, like a crash without persistence. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    if (process.isAlive()) {
      resume();
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Freezes the server (SIGSTOP): it keeps its connections but answers nothing, like a hung host. */
  public synchronized void pause() {
    signal("STOP");
  }

  /** Undoes {@link #pause()}. */
  public synchronized void resume() {
    signal("CONT");
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  public void flushAll() {
    String reply = command("FLUSHALL");
    if (!"+OK".equals(reply)) {
      throw new IllegalStateException("FLUSHALL answered " + reply);
    }
  }

  /**
   * Sends one inline command and returns the first line of the reply (e.g. {@code +PONG}, {@code :3},
   * {@code $5} for a bulk string). Enough for test set-up and checks; arguments may not contain spaces.
   */
  public String command(String inline) {
    String reply = tryCommand(inline);
    if (reply == null) {
      throw new IllegalStateException("redis-server on port " + port + " did not answer " + inline);
    }
    return reply;
  }

  /** Kills the server and removes its directory (its log). */
  @Override
  public void close() {
    stop();
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover log in the temp directory is harmless
    }
  }

  private String tryCommand(String inline) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return readLine(s.getInputStream());
    } catch (IOException e) {
      return null;
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\r') {
      sb.append((char) c);
    }
    return c < 0 ? null : sb.toString();
  }

  private void signal(String name) {
    if (process == null || !process.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException("cannot signal redis-server", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        if (s.getLocalPort() != SHARED_PORT) {
          return s.getLocalPort();
        }
      } catch (IOException e) {
        throw new IllegalStateException("no free port", e);
      }
    }
  }
}
