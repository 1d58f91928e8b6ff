package io.rtgw.bench.run;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the results are worth: the machine, its load, and the versions of everything measured. */
final class Machine {

  private Machine() {
  }

  static JsonObject describe(List<String> serverPin, List<String> loadPin) {
    return new JsonObject()
        .put("cpu", firstLine("/proc/cpuinfo", "model name"))
        // the runner itself is pinned to one core, so the JVM's own count would say 1
        .put("cores", Files.exists(Path.of("/proc/cpuinfo")) ? firstLines("/proc/cpuinfo", "processor")
            : Runtime.getRuntime().availableProcessors())
        .put("memory", firstLine("/proc/meminfo", "MemTotal"))
        .put("kernel", System.getProperty("os.version"))
        .put("openFilesLimit", command("sh", "-c", "ulimit -n"))
        .put("serverPinning", serverPin.isEmpty() ? "none (taskset or a second core missing)" : String.join(" ", serverPin))
        .put("loadPinning", loadPin.isEmpty() ? "none" : String.join(" ", loadPin))
        .put("loadAtStart", load());
  }

  static JsonObject versions() {
    return new JsonObject()
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("vertx", resource("META-INF/vertx/vertx-version.txt"))
        // a run from an exported copy of a commit (no .git) names the commit in RTGW_COMMIT
        .put("gatewayCommit", System.getenv().getOrDefault("RTGW_COMMIT", command("git", "rev-parse", "--short", "HEAD")))
        .put("gatewayTreeDirty", System.getenv("RTGW_COMMIT") == null
            && !command("git", "status", "--porcelain", "--", ".", ":!bench/results").isEmpty())
        .put("node", command("node", "--version"))
        .put("socketio", packageVersion(Settings.ROOT.resolve("bench/peers/socketio/node_modules/socket.io/package.json").toString()))
        .put("nginx", command("nginx", "-v"))
        .put("nchan", command("dpkg-query", "-W", "-f", "${Version}", "libnginx-mod-nchan"));
  }

  /** The 1, 5 and 15 minute load averages: the machine is shared, so every figure carries the load it was taken at. */
  static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String firstLine(String file, String prefix) {
    try {
      return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static int firstLines(String file, String prefix) {
    try {
      return (int) Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(prefix)).count();
    } catch (IOException e) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  private static String resource(String name) {
    try (var in = Machine.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String packageVersion(String file) {
    try {
      return new JsonObject(Files.readString(Path.of(file))).getString("version");
    } catch (IOException | RuntimeException e) {
      return "not installed";
    }
  }

  static String command(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unavailable";
    } catch (IOException e) {
      return "unavailable";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unavailable";
    }
  }
}
