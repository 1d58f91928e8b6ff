package io.rtgw.connection.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code http.accessLog}: one INFO line per HTTP request, WebSocket upgrades included, on the logger
 * {@code rtgw.access}, written when the response ends (for an SSE stream or a held poll: when it ends,
 * so {@code ms} is how long it was open; for an accepted WebSocket upgrade: when the WebSocket closes,
 * with status 101 and 0 bytes, its frames being no HTTP response):
 *
 * <pre>127.0.0.1 "GET /sse?channel=chat:a&amp;token=[redacted] HTTP/1.1" 200 1834 bytes 5012 ms</pre>
 *
 * <p>Credentials never reach the log: the values of {@code token}, {@code channel_token} and
 * {@code access_token} in the query are replaced, headers are not written at all, and a request that
 * carried an {@code Authorization} header says only {@code auth=[redacted]}. The client IP is the one
 * the limits use ({@code X-Forwarded-For} from {@code http.trustedProxies} only).
 */
public final class AccessLog implements Handler<RoutingContext> {

  /** The logger name, so an operator can route or silence these lines on their own. */
  public static final String LOGGER = "rtgw.access";
  public static final String REDACTED = "[redacted]";
  static final Set<String> SECRET_PARAMETERS = Set.of("token", "channel_token", "access_token");
  private static final Pattern SECRET = Pattern.compile("(?i)(^|[?&])(" + String.join("|", SECRET_PARAMETERS)
      + ")=[^&#]*");
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final Function<HttpServerRequest, String> clientIp;

  public AccessLog(Function<HttpServerRequest, String> clientIp) {
    this.clientIp = clientIp;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long startedAt = System.nanoTime();
    HttpServerRequest request = ctx.request();
    String ip = clientIp.apply(request);
    boolean[] logged = {false};
    // read now: a request held open lets go of its headers once the gateway has read them (HeldRequests)
    String auth = request.headers().contains(HttpHeaders.AUTHORIZATION) ? " auth=" + REDACTED : "";
    // the routing context's end handlers, not the response's one slot, which another route may take
    ctx.addEndHandler(ar -> log(request, ip, startedAt, logged, auth));
    if (isUpgrade(request) && request.connection() instanceof ConnectionBase base) {
      // an accepted upgrade never ends the response: Vert.x writes the 101 itself and hands the socket to
      // the WebSocket, whose close is then the end of the exchange (the HTTP connection's close handler is
      // not called after an upgrade, so the socket's own close is what is listened to; it completes on
      // the connection's event loop, like the rest of this exchange)
      base.channel().closeFuture().addListener(f -> log(request, ip, startedAt, logged, auth));
    }
    ctx.next();
  }

  private void log(HttpServerRequest request, String ip, long startedAt, boolean[] logged, String auth) {
    if (logged[0]) {
      return;
    }
    logged[0] = true;
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
    LOG.info("{} \"{} {} {}\" {} {} bytes {} ms{}", ip, request.method().name(), redact(request.uri()),
        version(request), request.response().getStatusCode(), request.response().bytesWritten(), ms, auth);
  }

  private static boolean isUpgrade(HttpServerRequest request) {
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  /** The URI with every secret parameter's value replaced, and quotes escaped so the line stays parseable. */
  static String redact(String uri) {
    Matcher m = SECRET.matcher(uri);
    String out = m.find() ? m.replaceAll("$1$2=" + Matcher.quoteReplacement(REDACTED)) : uri;
    return out.replace("\"", "%22");
  }

  private static String version(HttpServerRequest request) {
    return switch (request.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2";
    };
  }
}
