package io.rtgw.deploy;

import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.testkit.WsClient;
import java.util.HashMap;
import java.util.Map;

/** Gateways for tests: the standalone configuration on a random loopback port, with overrides. */
final class TestGateways {

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
    for (int i = 0; i < envPairs.length; i += 2) {
      env.put(envPairs[i], envPairs[i + 1]);
    }
    return ConfigLoader.load(null, env);
  }

  static Gateway start(String... envPairs) {
    return WsClient.await(Gateway.start(standalone(envPairs)));
  }
}
