package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * realtime.js's {@code rpc(method, data)} against a real gateway and its rpc hook: under node's built-in
 * WebSocket, src/test/node/realtime-rpc.mjs loads the file the gateway serves and calls the hook over
 * the WebSocket's rpc command and, with the SSE transport, over {@code POST /rpc}; the answer's data
 * comes back, and a refusal rejects with the hook's code and sentence.
 */
class RealtimeRpcTest {

  static final String HOOK = "test.realtime.rpc";

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_HOOKS_RPC_ADDRESS", HOOK);

  /** The application's rpc hook: echoes the method, the data and the user; refuses "forbidden". */
  @BeforeAll
  static void answerRpcs() {
    gateway.vertx().eventBus().<JsonObject>consumer(HOOK, m -> {
      JsonObject asked = m.body();
      if ("forbidden".equals(asked.getString("method"))) {
        m.reply(new JsonObject().put("error", new JsonObject().put("code", "forbidden").put("message", "That call is not for you.")));
      } else {
        m.reply(new JsonObject().put("data", new JsonObject().put("method", asked.getString("method"))
            .put("got", asked.getValue("data")).put("user", asked.getString("user"))));
      }
    });
  }

  @Test
  void over_websocket_the_rpc_command_carries_the_call_and_its_answer() throws Exception {
    run("websocket");
  }

  @Test
  void with_sse_the_call_goes_over_post_rpc() throws Exception {
    run("sse");
  }

  private static void run(String transport) throws Exception {
    NodeScripts.Result r = NodeScripts.run(Path.of("src", "test", "node"), List.of("--experimental-websocket",
        "realtime-rpc.mjs", String.valueOf(gateway.port()), transport), 90);
    assertThat(r.exitCode()).as("node exit; output:%n%s", r.output()).isZero();
    assertThat(r.output()).contains("ok realtime-rpc " + transport);
  }
}
