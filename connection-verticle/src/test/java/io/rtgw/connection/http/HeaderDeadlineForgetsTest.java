package io.rtgw.connection.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.ClientContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Over real sockets: a connection that closes leaves the header deadline's table at once, whether it
 * closed in the middle of a response (an event stream's client going) or idle between requests. Before,
 * each stayed there with its whole object graph until its timer ran out (30 s by default).
 */
class HeaderDeadlineForgetsTest {

  /** Far past the test: only the close can take an entry out. */
  private static final long DEADLINE_MS = 600_000;

  private final Vertx vertx = Vertx.vertx();
  private HeaderDeadline deadline;
  private Context context;
  private HttpServer server;
  private HttpClient client;

  @BeforeEach
  void start() throws Exception {
    CompletableFuture<HttpServer> listening = new CompletableFuture<>();
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      deadline = new HeaderDeadline(vertx, DEADLINE_MS);
      Router router = Router.router(vertx);
      router.route().handler(deadline::handle);
      router.get("/stream").handler(ctx -> ctx.response().setChunked(true).write("event\n"));
      router.get("/ok").handler(ctx -> ctx.response().end("ok"));
      vertx.createHttpServer().connectionHandler(deadline::opened).requestHandler(router).listen(0, "127.0.0.1")
          .onComplete(ar -> listening.complete(ar.result()));
    });
    server = listening.get(10, TimeUnit.SECONDS);
    client = vertx.createHttpClient();
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void a_stream_whose_client_goes_is_forgotten() throws Exception {
    CompletableFuture<Void> first = new CompletableFuture<>();
    HttpClientResponse stream = get(ClientContext.on(vertx, () -> client.request(HttpMethod.GET, server.actualPort(),
        "127.0.0.1", "/stream").compose(r -> r.send()).map(r -> r.handler(b -> first.complete(null)))));
    first.get(10, TimeUnit.SECONDS);
    assertThat(waiting()).as("a stream in progress is not timed").isZero();
    get(stream.request().connection().close());
    awaitWaiting(0);
  }

  @Test
  void a_kept_alive_connection_closed_between_requests_is_forgotten() throws Exception {
    HttpClientResponse[] ok = new HttpClientResponse[1];
    String body = get(ClientContext.on(vertx, () -> client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1",
        "/ok").compose(r -> r.send()).compose(r -> {
          ok[0] = r;
          return r.body();
        }))).toString();
    assertThat(body).isEqualTo("ok");
    awaitWaiting(1);
    get(ok[0].request().connection().close());
    awaitWaiting(0);
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int waiting() throws Exception {
    CompletableFuture<Integer> n = new CompletableFuture<>();
    context.runOnContext(v -> n.complete(deadline.waiting()));
    return n.get(10, TimeUnit.SECONDS);
  }

  private void awaitWaiting(int expected) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (waiting() != expected && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(waiting()).isEqualTo(expected);
  }
}
