package io.rtgw.bench.run;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A generator JVM started by the runner, pinned to the load core, driven by JSON lines. */
final class GeneratorProcess implements AutoCloseable {

  private static final AtomicLong IDS = new AtomicLong();
  private final Process process;
  private final Writer in;
  private final Map<Long, CompletableFuture<JsonObject>> waiting = new ConcurrentHashMap<>();
  final int index;
  final String source;

  GeneratorProcess(int index, String source, List<String> pin, String classpath, Path log) throws IOException {
    this.index = index;
    this.source = source;
    List<String> cmd = new java.util.ArrayList<>(pin);
    cmd.addAll(List.of(javaBin(), "-Xmx1500m", "-XX:+UseParallelGC", "-cp", classpath,
        "io.rtgw.bench.gen.Generator", String.valueOf(index), source));
    process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readReplies, "generator-" + index);
    reader.setDaemon(true);
    reader.start();
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Sends a command and waits for its answer, at most {@code timeoutSeconds}. */
  JsonObject call(JsonObject cmd, double timeoutSeconds) {
    return send(cmd).orTimeout((long) (timeoutSeconds * 1000), TimeUnit.MILLISECONDS).join();
  }

  synchronized CompletableFuture<JsonObject> send(JsonObject cmd) {
    long id = IDS.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    waiting.put(id, f);
    try {
      in.write(cmd.copy().put("id", id).encode() + "\n");
      in.flush();
    } catch (IOException e) {
      waiting.remove(id);
      f.completeExceptionally(e);
    }
    return f.thenApply(r -> {
      if (r.containsKey("error") && r.getValue("error") != null && !r.containsKey("opened")) {
        throw new IllegalStateException("generator " + index + ": " + r.getString("error"));
      }
      return r;
    });
  }

  private void readReplies() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!line.startsWith("{")) {
          continue;
        }
        JsonObject reply = new JsonObject(line);
        CompletableFuture<JsonObject> f = waiting.remove(reply.getLong("id"));
        if (f != null) {
          f.complete(reply);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended; whoever waits times out
    }
    waiting.values().forEach(f -> f.completeExceptionally(new IllegalStateException("generator " + index + " exited")));
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      synchronized (this) {
        in.write("{\"cmd\":\"exit\"}\n");
        in.flush();
        in.close();
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
