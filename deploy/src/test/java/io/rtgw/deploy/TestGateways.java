package io.rtgw.deploy;

import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.testkit.WsClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gateways for tests: the standalone configuration on a random loopback port, with overrides. A class
 * with one gateway for all its tests registers {@link GatewayExtension}; these are for the tests that
 * start and stop gateways themselves (clusters, drains).
 */
final class TestGateways {

  /** Set to {@code false} by the deploy pom's "without-vertx-internals" test run. */
  static final String VERTX_INTERNALS_PROPERTY = "rtgw.test.vertxInternals";

  private TestGateways() {
  }

  static GatewayConfig standalone(String... envPairs) {
    Map<String, String> env = new HashMap<>();
    env.put("GATEWAY_HTTP_HOST", "127.0.0.1");
    env.put("GATEWAY_HTTP_PORT", "0");
    // the demo ticker publishes every second: only the demo's own tests want it
    env.put("GATEWAY_DEMO_TICKER", "false");
    // tests stop gateways often: no drain window unless a test asks for one
    env.put("GATEWAY_HTTP_DRAIN_MS", "0");
    // the second surefire run of the transport suites sets this, to prove they pass on public APIs alone
    String internals = System.getProperty(VERTX_INTERNALS_PROPERTY);
    if (internals != null) {
      env.put("GATEWAY_HTTP_VERTX_INTERNALS", internals);
    }
    for (int i = 0; i < envPairs.length; i += 2) {
      env.put(envPairs[i], envPairs[i + 1]);
    }
    return ConfigLoader.load(null, env);
  }

  /**
   * A clustered member of cluster {@code name} (Hazelcast on {@code hazelcastPort}, TCP-IP join to
   * {@code members}). A core member runs every tier; an edge member runs only the connection tier.
   */
  static GatewayConfig clustered(String name, int hazelcastPort, String members, boolean core, String... envPairs) {
    List<String> env = new ArrayList<>(List.of(
        "GATEWAY_CLUSTER_ENABLED", "true",
        "GATEWAY_CLUSTER_NAME", name,
        "GATEWAY_CLUSTER_PORT", String.valueOf(hazelcastPort),
        "GATEWAY_CLUSTER_MEMBERS", members,
        // tests run in deploy/: the shipped file, not the copy in the jar
        "GATEWAY_CLUSTER_CONFIG_FILE", "../conf/cluster.xml",
        // the core keeps history and presence in memory: the only such member of its cluster
        "GATEWAY_CLUSTER_SINGLE_STATE_MEMBER", String.valueOf(core),
        "GATEWAY_ROLES_FANOUT_ENABLED", String.valueOf(core),
        "GATEWAY_ROLES_HISTORY_ENABLED", String.valueOf(core),
        "GATEWAY_ROLES_PRESENCE_ENABLED", String.valueOf(core)));
    env.addAll(List.of(envPairs));
    return standalone(env.toArray(String[]::new));
  }

  static Gateway start(String... envPairs) {
    return WsClient.await(Gateway.start(standalone(envPairs)));
  }
}
