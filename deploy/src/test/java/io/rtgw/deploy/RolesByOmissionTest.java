package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.testkit.WsClient;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection-node file that names only {@code roles.connection} runs no other tier: nobody in the
 * process answers the fanout, history or presence addresses, so in a cluster those requests go to the
 * real tiers instead of memory-store copies started by omission.
 */
class RolesByOmissionTest {

  @TempDir
  Path dir;

  @Test
  void a_connection_only_config_runs_no_other_tier() throws Exception {
    Path file = dir.resolve("connection.json");
    Files.writeString(file, "{\"http\":{\"host\":\"127.0.0.1\",\"port\":0,\"drainMs\":0},\"roles\":{\"connection\":{}}}");
    GatewayConfig config = ConfigLoader.load(file.toString(), Map.of());
    Gateway gateway = WsClient.await(Gateway.start(config));
    try {
      assertThat(gateway.httpPort()).isPositive();
      for (String address : new String[] {Addresses.PUBLISH, Addresses.CLIENT_PUBLISH,
          Addresses.HISTORY_QUERY, Addresses.HISTORY_APPEND, Addresses.HISTORY_READ, Addresses.PRESENCE_QUERY, Addresses.PRESENCE_REPORT,
          Addresses.PRESENCE_LEASE}) {
        var reply = gateway.vertx().eventBus().request(address, new JsonObject()).toCompletionStage().toCompletableFuture();
        assertThat(reply).as(address).failsWithin(WsClient.TIMEOUT).withThrowableThat().havingCause()
            .isInstanceOf(ReplyException.class)
            .satisfies(e -> assertThat(((ReplyException) e).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
      }
    } finally {
      WsClient.await(gateway.stop());
    }
  }
}
