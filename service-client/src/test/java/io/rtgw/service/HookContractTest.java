package io.rtgw.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edges of the contract on one local Vertx (the bus behaves the same, only faster to start): hook
 * requests that break the spec, handlers that fail, answers of the gateway that break the spec, and a
 * gateway that is not there.
 */
class HookContractTest {

  private Vertx vertx;
  private RtgwService service;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    service = RtgwService.create(vertx, ServiceOptions.named("test-svc").withRequestTimeoutMs(2_000));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  private ReplyException refusedRequest(String address, Object body) {
    Throwable e = Await.failure(vertx.eventBus().request(address, body));
    assertThat(e).isInstanceOf(ReplyException.class);
    return (ReplyException) e;
  }

  @Test
  void a_request_for_another_hook_is_bad_request_naming_the_hook_it_expected() {
    Await.result(service.onConnect("app.connect", r -> Future.succeededFuture(ConnectAnswer.allow())));
    ReplyException e = refusedRequest("app.connect", new JsonObject().put("hook", "subscribe")
        .put("user", "u1").put("client", "c1").put("channel", "chat:x"));
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("\"hook\":\"connect\"").contains("\"subscribe\"");
  }

  @Test
  void a_field_of_the_wrong_type_is_bad_request_naming_the_field() {
    Await.result(service.onSubscribe("app.sub", r -> Future.succeededFuture(Verdict.allow())));
    ReplyException e = refusedRequest("app.sub", new JsonObject().put("hook", "subscribe")
        .put("user", "u1").put("client", "c1").put("channel", 42));
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("The field 'channel' of the subscribe hook request must be a string.");
    assertThat(refusedRequest("app.sub", "not json").failureCode()).isEqualTo(400);
  }

  @Test
  void a_handler_that_throws_fails_the_request_as_internal_and_one_that_fails_with_a_code_sends_it() {
    Await.result(service.onRpc("app.rpc", r -> {
      if (r.method().equals("boom")) {
        throw new IllegalStateException("database gone");
      }
      if (r.method().equals("null")) {
        return null;
      }
      return Future.failedFuture(new RtgwException(ProtocolCode.UNAVAILABLE, "Try again later."));
    }));
    JsonObject rpc = new JsonObject().put("hook", "rpc").put("user", "u1").put("client", "c1").put("data", 1);
    ReplyException boom = refusedRequest("app.rpc", rpc.copy().put("method", "boom"));
    assertThat(boom.failureCode()).isEqualTo(500);
    assertThat(boom.getMessage()).contains("rpc hook failed").contains("database gone");
    assertThat(refusedRequest("app.rpc", rpc.copy().put("method", "null")).failureCode()).isEqualTo(500);
    ReplyException coded = refusedRequest("app.rpc", rpc.copy().put("method", "later"));
    assertThat(coded.failureCode()).isEqualTo(503);
    assertThat(coded.getMessage()).isEqualTo("Try again later.");
  }

  @Test
  void no_gateway_on_the_bus_is_unavailable_with_a_sentence() {
    RtgwException e = (RtgwException) Await.failure(service.publish("chat:x", 1));
    assertThat(e.code()).isEqualTo(ProtocolCode.UNAVAILABLE);
    assertThat(e.getMessage()).contains("rt.publish");
    RtgwException control = (RtgwException) Await.failure(service.count(null));
    assertThat(control.code()).isEqualTo(ProtocolCode.UNAVAILABLE);
    assertThat(control.getMessage()).endsWith("(control.enabled)?");
  }

  @Test
  void a_gateway_refusal_keeps_its_code_and_sentence() {
    vertx.eventBus().<JsonObject>consumer(GatewayAddresses.PUBLISH, m -> m.fail(413, "The message data is larger than the limit of 10 bytes."));
    RtgwException e = (RtgwException) Await.failure(service.publish("chat:x", "a long message"));
    assertThat(e.code()).isEqualTo(ProtocolCode.TOO_LARGE);
    assertThat(e.getMessage()).isEqualTo("The message data is larger than the limit of 10 bytes.");
  }

  @Test
  void a_gateway_that_never_answers_is_unavailable_after_the_request_timeout() {
    vertx.eventBus().consumer(GatewayAddresses.PRESENCE_QUERY, m -> { });
    RtgwException e = (RtgwException) Await.failure(service.presence("chat:x"));
    assertThat(e.code()).isEqualTo(ProtocolCode.UNAVAILABLE);
    assertThat(e.getMessage()).contains("did not answer");
  }

  @Test
  void an_answer_that_breaks_the_contract_is_internal_naming_the_field() {
    vertx.eventBus().<JsonObject>consumer(GatewayAddresses.PUBLISH, m -> m.reply(new JsonObject().put("channel", "chat:x").put("epoch", "e")));
    vertx.eventBus().<JsonObject>consumer(GatewayAddresses.PRESENCE_QUERY, m -> m.reply(new JsonObject()
        .put("channel", "chat:x").put("members", new JsonArray().add(new JsonObject().put("user", 7).put("clients", 1)))));
    RtgwException publish = (RtgwException) Await.failure(service.publish("chat:x", 1));
    assertThat(publish.code()).isEqualTo(ProtocolCode.INTERNAL);
    assertThat(publish.getMessage()).isEqualTo("The field 'offset' of the answer of rt.publish must be a number.");
    RtgwException presence = (RtgwException) Await.failure(service.presence("chat:x"));
    assertThat(presence.getMessage()).contains("'user'").contains("member in 'members'");
  }

  @Test
  void a_malformed_event_is_skipped_and_the_next_one_delivered() {
    LinkedBlockingQueue<Occupied> seen = new LinkedBlockingQueue<>();
    Await.result(service.onOccupied(seen::add));
    vertx.eventBus().publish(GatewayAddresses.OCCUPIED, new JsonObject().put("type", "occupied").put("ts", 5));
    vertx.eventBus().publish(GatewayAddresses.OCCUPIED, new JsonObject().put("type", "vacated").put("channel", "a:b").put("ts", 6));
    vertx.eventBus().publish(GatewayAddresses.OCCUPIED, new JsonObject().put("type", "occupied").put("channel", "chat:x").put("ts", 7));
    assertThat(Await.next(seen)).isEqualTo(new Occupied("chat:x", 7));
    assertThat(seen).isEmpty();
  }

  @Test
  void an_unregistered_hook_no_longer_answers() {
    Registration r = Await.result(service.onSubscribe("app.sub", q -> Future.succeededFuture(Verdict.allow())));
    assertThat(r.address()).isEqualTo("app.sub");
    Await.result(r.unregister());
    ReplyException e = refusedRequest("app.sub", new JsonObject().put("hook", "subscribe").put("client", "c").put("channel", "a"));
    assertThat(e.failureType()).isEqualTo(io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS);
  }

  @Test
  void a_refusal_needs_a_sentence() {
    assertThatThrownBy(() -> Verdict.refuse(ProtocolCode.FORBIDDEN, " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("A refusal needs a sentence for the client.");
    assertThatThrownBy(() -> ServiceOptions.named("svc").withRequestTimeoutMs(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_status_of_a_bus_failure_maps_back_to_its_code() {
    for (ProtocolCode c : ProtocolCode.values()) {
      if (c != ProtocolCode.LIMIT_EXCEEDED) {
        assertThat(ProtocolCode.ofStatus(c.status())).isEqualTo(c);
      }
      assertThat(ProtocolCode.ofCode(c.code())).isEqualTo(c);
    }
    assertThat(ProtocolCode.ofStatus(418)).isEqualTo(ProtocolCode.INTERNAL);
  }
}
