package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A tier that never answers its health request: the readiness probe says 503 with the tier down, and the
 * bus request's own timeout, landing after the probe's, throws nothing on the event loop (it did: the
 * promise was completed twice, "Result is already complete", in the 57,000-connection cluster step).
 */
class ProbesSilentTierTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void a_silent_tier_is_reported_down_and_its_late_timeout_throws_nothing() throws Exception {
    List<Throwable> unhandled = new CopyOnWriteArrayList<>();
    vertx.exceptionHandler(unhandled::add);
    // registered, never replying: the request waits out its timeout
    vertx.eventBus().consumer(Addresses.HISTORY_HEALTH, m -> { });
    vertx.eventBus().consumer(Addresses.PRESENCE_HEALTH, m -> m.reply(new io.vertx.core.json.JsonObject()
        .put("healthy", true).put("store", "memory")));
    Router router = Router.router(vertx);
    new Probes(vertx, () -> true, () -> false, false).route(router);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpClient client = vertx.createHttpClient();
    for (int i = 0; i < 3; i++) {
      int status = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/health/ready")
          .compose(r -> r.send()).map(r -> r.statusCode())
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(status).isEqualTo(503);
    }
    // past both timeouts of the last probe
    Thread.sleep(2 * Probes.PROBE_TIMEOUT_MS);
    assertThat(unhandled).isEmpty();
  }
}
