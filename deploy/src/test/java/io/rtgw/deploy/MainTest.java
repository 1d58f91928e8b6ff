package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as an operator meets it: a real JVM, a bad configuration, one sentence and an exit code. */
class MainTest {

  @TempDir
  Path dir;

  @Test
  void a_bad_config_file_gets_one_sentence_and_exit_code_2() throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"http\":{\"port\":123456}}");
    Result r = run(List.of(bad.toString()), List.of());
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip()).isEqualTo("rtgw: bad configuration: http.port must be between 0 and 65535, not 123456.");
  }

  @Test
  void a_bad_environment_override_is_refused_the_same_way() throws Exception {
    Result r = run(List.of(), List.of("GATEWAY_HTTP_PORT=eighty"));
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip()).isEqualTo("rtgw: bad configuration: The environment variable GATEWAY_HTTP_PORT must be a number, not \"eighty\".");
  }

  @Test
  void a_mistyped_gateway_variable_is_refused_instead_of_ignored() throws Exception {
    Result r = run(List.of(), List.of("GATEWAY_HTTP_PROT=9090"));
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip()).startsWith("rtgw: bad configuration: The environment variable GATEWAY_HTTP_PROT names no setting")
        .contains("the closest is GATEWAY_HTTP_PORT").doesNotContain("\n");
  }

  @Test
  void two_clustered_processes_on_memory_stores_are_refused_before_they_split_the_channels() throws Exception {
    // the operator's mistake from the issue: the standalone file with clustering switched on
    Result r = run(List.of(), List.of("GATEWAY_CLUSTER_ENABLED=true"));
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip()).startsWith("rtgw: bad configuration: A clustered history tier cannot use history.store \"memory\"")
        .contains("cluster.singleStateMember").doesNotContain("\n");
  }

  @Test
  void a_missing_cluster_file_is_refused_instead_of_replaced_by_the_packed_copy() throws Exception {
    Result r = run(List.of(), List.of("GATEWAY_CLUSTER_ENABLED=true", "GATEWAY_HISTORY_STORE=redis",
        "GATEWAY_PRESENCE_STORE=redis", "GATEWAY_CLUSTER_CONFIG_FILE=missing-cluster.xml"));
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip()).startsWith("rtgw: bad configuration: The cluster configuration file ")
        .contains("missing-cluster.xml does not exist").doesNotContain("\n").doesNotContain("\tat ");
  }

  @Test
  void a_taken_port_is_reported_without_a_stack_trace() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Result r = run(List.of(), List.of("GATEWAY_HTTP_HOST=127.0.0.1", "GATEWAY_HTTP_PORT=" + taken.getLocalPort()));
      assertThat(r.exit).isEqualTo(1);
      assertThat(r.stderr).contains("rtgw: could not start:").contains("already in use").doesNotContain("\tat ");
    }
  }

  private record Result(int exit, String stderr) {
  }

  private Result run(List<String> args, List<String> env) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    for (String kv : env) {
      int eq = kv.indexOf('=');
      pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the launcher did not exit");
    }
    return new Result(p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
