package io.rtgw.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the Node scripts of the independent-client tests, installing their locked packages first. */
final class NodeScripts {

  private NodeScripts() {
  }

  record Result(int exitCode, String output) {
  }

  /** {@code npm ci} in {@code dir} unless its node_modules is already there. */
  static synchronized void install(Path dir) throws IOException, InterruptedException {
    if (Files.isDirectory(dir.resolve("node_modules"))) {
      return;
    }
    Result r = exec(dir, List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
    if (r.exitCode() != 0) {
      throw new IllegalStateException("npm ci in " + dir + " failed:\n" + r.output());
    }
  }

  static Result run(Path dir, List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("node");
    cmd.addAll(args);
    return exec(dir, cmd, timeoutSeconds);
  }

  private static Result exec(Path dir, List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
    Path log = Files.createTempFile("node-", ".log");
    try {
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
