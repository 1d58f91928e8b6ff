package io.rtgw.protocol.events;

import io.rtgw.protocol.config.EventsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs lifecycle events to {@code events.url} in batches: {@code {"events":[...]}}, at most
 * {@code events.maxBatch} a request, each batch sent {@code events.batchMs} after its first event. The
 * bus publish stays the event's delivery; the POST is best effort, like the bus: a batch the URL does
 * not take with a 2xx within the timeout is dropped and counted ({@code result} "failed"), never retried,
 * so a dead URL costs nothing but the one request per batch. Used by whichever tier produces the event.
 */
public final class EventPoster {

  private static final Logger LOG = LoggerFactory.getLogger(EventPoster.class);
  /** How long one POST may take. */
  static final long TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final EventsConfig config;
  private final HttpClient client;
  private final Consumer<String> results;
  private JsonArray batch = new JsonArray();
  private long timer = -1;
  private boolean failing;

  /** {@code results} hears "sent" or "failed" per batch (for a metric). */
  public EventPoster(Vertx vertx, EventsConfig config, Consumer<String> results) {
    this.vertx = vertx;
    this.config = config;
    this.results = results;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS));
  }

  public void add(JsonObject event) {
    batch.add(event);
    if (batch.size() >= config.maxBatch()) {
      flush();
    } else if (timer < 0) {
      timer = vertx.setTimer(config.batchMs(), id -> {
        timer = -1;
        flush();
      });
    }
  }

  public void close() {
    flush();
  }

  private void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (batch.isEmpty()) {
      return;
    }
    JsonArray events = batch;
    batch = new JsonArray();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(config.url())
        .putHeader("content-type", "application/json").setIdleTimeout(TIMEOUT_MS);
    client.request(options)
        .compose(req -> req.send(new JsonObject().put("events", events).toBuffer()))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          boolean ok = ar.succeeded() && ar.result() / 100 == 2;
          results.accept(ok ? "sent" : "failed");
          if (!ok && !failing) {
            LOG.warn("Could not post {} lifecycle events to events.url: {}", events.size(),
                ar.succeeded() ? "status " + ar.result() : ar.cause().getMessage());
          } else if (ok && failing) {
            LOG.info("events.url takes lifecycle events again");
          }
          failing = !ok;
        });
  }
}
