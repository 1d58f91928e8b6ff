package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * realtime.js and the demo app in real headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core from src/test/browser/scenarios.mjs). Each test is one scenario in a fresh browser.
 */
class BrowserTest {

  private static final Path SCRIPTS = Path.of("src/test/browser");
  private static final Path SCREENSHOTS = Path.of("../docs/screenshots");

  /** Poll clients cannot say goodbye: they leave one presence TTL after their last poll (3 s here). */
  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_DEMO_TICKER", "true",
      "GATEWAY_DEMO_TICKER_INTERVAL_MS", "300", "GATEWAY_PRESENCE_HEARTBEAT_MS", "1000");

  @BeforeAll
  static void installBrowserAndScripts() throws Exception {
    assertThat(Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium")))
        .as("Chromium is needed for the browser tests: apt-get install chromium (.ci/run does it)")
        .exists();
    NodeScripts.install(SCRIPTS);
  }

  /** The chat scenarios also check that the demo signs in with a development token, never with user=. */
  @Test
  void two_pages_chat_over_websocket_with_presence_updating() throws Exception {
    run("chat-websocket");
  }

  @Test
  void with_websocket_blocked_the_pages_chat_over_sse() throws Exception {
    run("chat-sse");
  }

  @Test
  void with_websocket_and_sse_blocked_the_pages_chat_over_long_polling() throws Exception {
    run("chat-longpoll");
  }

  @Test
  void in_development_mode_a_client_still_connects_with_the_user_parameter() throws Exception {
    run("user-param");
  }

  @Test
  void a_page_that_was_offline_shows_every_message_once_in_order() throws Exception {
    run("offline");
  }

  @Test
  void a_position_that_cannot_be_recovered_reaches_on_reset() throws Exception {
    run("reset");
  }

  @Test
  void a_publish_whose_reply_was_lost_is_retried_and_appears_once() throws Exception {
    run("publish-retry");
  }

  @Test
  void the_demo_renders_on_a_laptop_and_a_phone() throws Exception {
    Files.createDirectories(SCREENSHOTS);
    run("screenshots");
    assertThat(SCREENSHOTS.resolve("demo-desktop.png")).isNotEmptyFile();
    assertThat(SCREENSHOTS.resolve("demo-phone.png")).isNotEmptyFile();
  }

  private static void run(String scenario) throws IOException, InterruptedException {
    NodeScripts.Result r = NodeScripts.run(SCRIPTS, List.of("scenarios.mjs", scenario,
        "http://127.0.0.1:" + gateway.port(), SCREENSHOTS.toAbsolutePath().toString()), 150);
    assertThat(r.exitCode()).as("scenario %s:%n%s", scenario, r.output()).isZero();
    assertThat(r.output()).contains("ok " + scenario);
  }
}
