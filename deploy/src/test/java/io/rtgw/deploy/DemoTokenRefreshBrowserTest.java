package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo page in headless Chromium on a gateway whose development tokens live 8 s and are refreshed
 * 5 s ahead: its own gateway, so that BrowserTest's scenarios keep tokens that outlive them.
 */
class DemoTokenRefreshBrowserTest {

  private static final Path SCRIPTS = Path.of("src/test/browser");

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_DEMO_TOKEN_TTL_SECONDS", "8",
      "GATEWAY_AUTH_REFRESH_AHEAD_MS", "5000");

  @BeforeAll
  static void installScripts() throws Exception {
    assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium")))
        .as("Chromium is needed for the browser tests: apt-get install chromium (.ci/run does it)")
        .exists();
    NodeScripts.install(SCRIPTS);
  }

  @Test
  void the_demo_refreshes_its_token_through_get_token_and_keeps_its_websocket() throws Exception {
    NodeScripts.Result r = NodeScripts.run(SCRIPTS, List.of("scenarios.mjs", "token-refresh",
        "http://127.0.0.1:" + gateway.port(), Path.of("target").toAbsolutePath().toString()), 150);
    assertThat(r.exitCode()).as("scenario token-refresh:%n%s", r.output()).isZero();
    assertThat(r.output()).contains("ok token-refresh");
  }
}
