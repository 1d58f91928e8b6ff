package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.config.ConfigException;
import io.rtgw.testkit.Ports;
import io.rtgw.testkit.WsClient;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code cluster.singleStateMember} is a promise the cluster enforces: the member that makes it holds a
 * cluster-wide lock, and a second process making it too is refused instead of starting a second copy of
 * the in-memory history.
 */
class SingleStateMemberTest {

  @Test
  void a_second_memory_store_member_is_refused_while_the_first_runs() {
    String name = "rtgw-test-" + UUID.randomUUID();
    int portA = Ports.free();
    int portB = Ports.free();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    Gateway first = WsClient.await(Gateway.start(TestGateways.clustered(name, portA, members, true)));
    try {
      var second = Gateway.start(TestGateways.clustered(name, portB, members, true)).toCompletionStage().toCompletableFuture();
      assertThat(second).failsWithin(java.time.Duration.ofSeconds(60)).withThrowableThat().havingCause()
          .isInstanceOf(ConfigException.class)
          .withMessageContaining("already runs history or presence on the memory store");
    } finally {
      WsClient.await(first.stop());
    }
  }
}
