package io.rtgw.testkit;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event-stream client against a real HTTP server that cuts events where TCP may: the id of an event
 * still arriving must not count as received, or a stream dropped at that moment resumes past it.
 */
class SseClientTest {

  private Vertx vertx;
  private HttpServer server;
  private final CompletableFuture<HttpServerResponse> stream = new CompletableFuture<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = WsClient.await(vertx.createHttpServer().requestHandler(req -> {
      HttpServerResponse response = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
      response.write("retry: 10\n\nevent: subscribed\nid: A\ndata: {}\n\n");
      stream.complete(response);
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture());
  }

  @AfterEach
  void stop() {
    WsClient.await(vertx.close().toCompletionStage().toCompletableFuture());
  }

  @Test
  void an_id_takes_effect_when_its_event_is_dispatched_not_when_its_line_arrives() {
    try (SseClient sse = SseClient.open(vertx, server.actualPort(), "/sse")) {
      sse.await(e -> e.type().equals("subscribed"));
      assertThat(sse.lastId()).isEqualTo("A");
      HttpServerResponse response = WsClient.await(stream);

      // the event's id and data are in, its blank line is not: a drop now loses this event
      vertx.runOnContext(v -> response.write("event: message\nid: B\ndata: {\"n\":1}\n"));
      eventually(Duration.ofSeconds(10), () -> assertThat(sse.raw()).endsWith("data: {\"n\":1}\n"));
      assertThat(sse.messages()).isEmpty();
      assertThat(sse.lastId()).as("the id of an event not dispatched yet").isEqualTo("A");

      vertx.runOnContext(v -> response.write("\n"));
      List<SseClient.Event> messages = sse.awaitMessages(1);
      assertThat(messages.get(0).id()).isEqualTo("B");
      assertThat(sse.lastId()).isEqualTo("B");
    }
  }

  @Test
  void what_a_dropped_stream_received_is_final_so_its_last_id_and_its_messages_agree() {
    SseClient sse = SseClient.open(vertx, server.actualPort(), "/sse");
    sse.await(e -> e.type().equals("subscribed"));
    HttpServerResponse response = WsClient.await(stream);
    // events keep coming, one every millisecond, while the client drops the stream
    int[] n = {0};
    vertx.setPeriodic(1, id -> {
      if (response.closed()) {
        vertx.cancelTimer(id);
      } else {
        n[0]++;
        response.write("event: message\nid: m" + n[0] + "\ndata: {\"n\":" + n[0] + "}\n\n");
      }
    });
    sse.awaitMessages(20);
    sse.close();
    List<SseClient.Event> atClose = sse.messages();
    String lastId = sse.lastId();
    assertThat(lastId).isEqualTo(atClose.get(atClose.size() - 1).id());

    // bytes that were on their way when it dropped change nothing
    eventually(Duration.ofSeconds(10), () -> assertThat(response.closed()).isTrue());
    assertThat(sse.messages()).isEqualTo(atClose);
    assertThat(sse.lastId()).isEqualTo(lastId);
  }
}
