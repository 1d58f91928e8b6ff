package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With four connection instances on one node, the JWKS key set is fetched once per node (at start, and
 * once for a rotated-in key, whichever instances the connections land on), and the HTTP API's per-caller
 * buckets are the node's: a user's burst is spent once, not once per instance.
 */
class NodeWideAuthTest {

  private static final int INSTANCES = 4;
  private static final int BURST = 6;
  private static final long JWKS_MIN_REFETCH_MS = 300;
  private static final Vertx SIGNER = Vertx.vertx();
  private static final TestTokens TOKENS = new TestTokens(SIGNER);
  private static final TestJwks JWKS = TestJwks.start(SIGNER);

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.standalone(env());

  private static String[] env() {
    List<String> env = new ArrayList<>(TOKENS.env());
    env.addAll(List.of("GATEWAY_AUTH_JWT_JWKS_URL", JWKS.url(),
        "GATEWAY_AUTH_JWT_JWKS_MIN_REFETCH_MS", String.valueOf(JWKS_MIN_REFETCH_MS),
        "GATEWAY_ROLES_CONNECTION_INSTANCES", String.valueOf(INSTANCES),
        // the slowest refill there is, one a second: the test allows for what refills while it runs
        "GATEWAY_LIMITS_COMMANDS_PER_SECOND", "1", "GATEWAY_LIMITS_COMMAND_BURST", String.valueOf(BURST)));
    return env.toArray(String[]::new);
  }

  @AfterAll
  static void closeSigner() {
    JWKS.close();
    WsClient.await(SIGNER.close());
  }

  @Test
  void the_instances_of_a_node_fetch_the_key_set_once_and_once_more_for_a_rotated_key() throws Exception {
    List<WsClient> open = new ArrayList<>();
    try {
      // each connection lands on one of the instances in turn: all of them check tokens
      for (int i = 0; i < 3 * INSTANCES; i++) {
        WsClient c = gateway.ws("token=" + JWKS.sign(TestTokens.claims("amy" + i, 300)));
        assertThat(c.await(f -> "connected".equals(f.getString("type"))).getString("user")).isEqualTo("amy" + i);
        open.add(c);
      }
      assertThat(JWKS.requests()).as("fetches at start, for %d instances", INSTANCES).isEqualTo(1);

      Thread.sleep(JWKS_MIN_REFETCH_MS + 50);
      JWKS.rotate();
      for (int i = 0; i < 3 * INSTANCES; i++) {
        WsClient c = gateway.ws("token=" + JWKS.sign(TestTokens.claims("ben" + i, 300)));
        assertThat(c.await(f -> "connected".equals(f.getString("type"))).getString("user")).isEqualTo("ben" + i);
        open.add(c);
      }
      assertThat(JWKS.requests()).as("fetches after a rotation, for %d instances", INSTANCES).isEqualTo(2);
    } finally {
      open.forEach(WsClient::close);
    }
  }

  @Test
  void a_callers_http_api_burst_is_the_nodes_whichever_instance_each_request_lands_on() {
    String token = TOKENS.hs256(TestTokens.claims("cara", 300));
    List<Integer> statuses = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    long started = System.nanoTime();
    // every request on a client (a connection) of its own, so they are spread over the instances
    for (int i = 0; i < 3 * BURST; i++) {
      HttpCalls.Reply reply;
      try (HttpCalls own = new HttpCalls(gateway.port())) {
        reply = own.get("/history?channel=chat:rates", Map.of("Authorization", "Bearer " + token));
      }
      statuses.add(reply.status());
      if (reply.status() != 200) {
        JsonObject body = reply.json();
        codes.add(body.getString("code"));
      }
    }
    long refilled = 1 + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    // a bucket per instance would have answered all of them (4 x 6 > 18) within a few seconds
    long answered = statuses.stream().filter(s -> s == 200).count();
    assertThat(answered).as("answered, of %s, with %d refilled", statuses, refilled).isBetween((long) BURST, BURST + refilled);
    assertThat(answered).isLessThan(3 * BURST);
    assertThat(codes).hasSize(3 * BURST - (int) answered).containsOnly("rate_limited");
  }
}
