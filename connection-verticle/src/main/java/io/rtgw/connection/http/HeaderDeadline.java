package io.rtgw.connection.http;

import io.netty.channel.Channel;
import io.rtgw.connection.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * {@code http.headerTimeoutMs}: a connection must complete a request's headers that long after it opened,
 * and, on a kept-alive HTTP/1.1 connection, after its previous response ended; otherwise it is closed.
 * The idle timeout cannot do this: every byte of a client sending its headers one a second counts as
 * traffic. Vert.x calls the server's connection handler as a connection opens (HTTP/1.1 without h2c; with
 * TLS or h2c once the handshake or the protocol choice is done) and the request handler once the headers
 * are in, which is all this needs. A WebSocket or an event stream holds its request for its whole life and
 * is never timed. One connection verticle, one event loop: no locking.
 */
public final class HeaderDeadline {

  private final Vertx vertx;
  private final long timeoutMs;
  private final GatewayMetrics metrics = GatewayMetrics.current();
  /**
   * Connections waiting for headers, with their timer, by Netty channel where there is one (every
   * connection Vert.x makes): the close listener then holds only the channel, which lives as long, and
   * not the HTTP connection a WebSocket upgrade leaves behind.
   */
  private final Map<Object, Long> waiting = new IdentityHashMap<>();

  public HeaderDeadline(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /**
   * For {@code HttpServer.connectionHandler}: the clock starts. A connection that closes is forgotten at
   * once: its entry would hold it (its channel, request, response, an event stream's session) until its
   * timer ran out, 30 s of every closed connection's memory under churn.
   */
  public void opened(HttpConnection connection) {
    arm(connection);
    if (connection instanceof ConnectionBase base) {
      Channel channel = base.channel();
      channel.closeFuture().addListener(f -> forget(channel));
    }
  }

  private void forget(Object key) {
    Long timer = waiting.remove(key);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  private static Object keyOf(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel() : connection;
  }

  /** The first route: the headers are in; on HTTP/1.1 the clock starts again when the response has ended. */
  public void handle(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    forget(keyOf(connection));
    boolean http1 = ctx.request().version() != HttpVersion.HTTP_2;
    if (http1 && !ctx.request().headers().contains(HttpHeaders.UPGRADE)) {
      // only a response that ended starts the clock again: a close (an event stream's client going) fails it
      ctx.addEndHandler(ar -> {
        if (ar.succeeded()) {
          arm(connection);
        }
      });
    }
    ctx.next();
  }

  private void arm(HttpConnection connection) {
    Object key = keyOf(connection);
    Long previous = waiting.put(key, vertx.setTimer(timeoutMs, id -> {
      if (waiting.remove(key, id)) {
        metrics.refused("header_timeout");
        connection.close();
      }
    }));
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  /** Connections now waiting for their headers (or counting down to a lapsed one's close). */
  public int waiting() {
    return waiting.size();
  }
}
