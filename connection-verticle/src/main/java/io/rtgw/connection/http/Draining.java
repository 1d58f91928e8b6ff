package io.rtgw.connection.http;

import io.rtgw.connection.HttpErrors;
import io.rtgw.protocol.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;

/**
 * In front of every transport's entry (WebSocket upgrade, SSE stream, polls): while the node drains a
 * newcomer gets {@code 503 unavailable} with {@code Retry-After}, so it goes to another node at once
 * instead of settling here for the few seconds the node has left.
 */
public final class Draining implements Handler<RoutingContext> {

  /** Seconds: another node is one retry away (through the load balancer), so the retry can be soon. */
  static final String RETRY_AFTER_SECONDS = "1";

  private final BooleanSupplier draining;

  public Draining(BooleanSupplier draining) {
    this.draining = draining;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!draining.getAsBoolean()) {
      ctx.next();
      return;
    }
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
    HttpErrors.send(ctx.response(), ErrorCode.UNAVAILABLE,
        "This node is shutting down; connect to another node or retry shortly.");
  }
}
