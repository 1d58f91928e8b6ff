package io.rtgw.fanout;

import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.codec.Codecs;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.Assertions;

/**
 * The fanout verticle as the tests run it: codecs registered on the Vertx as the gateway does, a
 * configuration with a small message limit and a namespace closed to client publishes.
 */
final class Fanout {

  static final int MAX_MESSAGE_BYTES = 64;
  static final long DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
  /** Clients may publish here. */
  static final String OPEN = "chat";
  /** Only services may publish here. */
  static final String CLOSED = "news";

  private Fanout() {
  }

  static Future<String> deploy(Vertx vertx) {
    return deploy(vertx, DEFAULT_REQUEST_TIMEOUT_MS);
  }

  /** Deploys with {@code requestTimeoutMs} as the bound of fanout's request to history. */
  static Future<String> deploy(Vertx vertx, long requestTimeoutMs) {
    Codecs.register(vertx);
    JsonObject config = new JsonObject()
        .put("delivery", new JsonObject().put("maxMessageBytes", MAX_MESSAGE_BYTES).put("requestTimeoutMs", requestTimeoutMs))
        .put("namespaces", new JsonObject()
            .put(OPEN, new JsonObject().put("clientPublish", true))
            .put(CLOSED, new JsonObject().put("clientPublish", false)));
    return vertx.deployVerticle(new FanoutVerticle(), new DeploymentOptions().setConfig(config));
  }

  /** Asserts that a publish was refused as PROTOCOL.md says: the code's status and a sentence. */
  static void assertRefused(Throwable failure, ErrorCode code, String sentence) {
    Assertions.assertThat(failure).isInstanceOf(ReplyException.class);
    ReplyException reply = (ReplyException) failure;
    Assertions.assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    Assertions.assertThat(ErrorCode.ofStatus(reply.failureCode())).isEqualTo(code);
    Assertions.assertThat(reply.failureCode()).isEqualTo(code.status());
    Assertions.assertThat(reply.getMessage()).isEqualTo(sentence);
  }
}
