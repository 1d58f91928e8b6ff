package io.rtgw.connection.http;

import io.rtgw.connection.HttpErrors;
import io.rtgw.protocol.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-origin access to the HTTP transports from an allow-list of origins ({@code http.allowedOrigins};
 * {@code "*"} allows any, which only the development configuration does).
 *
 * <p>Written here rather than taken from vertx-web's CorsHandler, which treats an empty list as "any
 * origin" (the production default must mean none) and refuses same-origin requests that carry an
 * {@code Origin} header. A refused origin gets {@code 403 forbidden} in the protocol's shape, so a
 * cross-site page cannot even fire a "simple" POST that the browser would send without a preflight.
 */
public final class Cors implements Handler<RoutingContext> {

  static final String ALLOWED_METHODS = "GET, POST";
  static final String ALLOWED_HEADERS = "Content-Type, Authorization, Last-Event-ID";
  static final String MAX_AGE_SECONDS = "600";
  private static final String ANY = "*";

  private final boolean any;
  private final Set<String> origins = new HashSet<>();

  public Cors(List<String> allowList) {
    boolean star = false;
    for (String o : allowList) {
      if (ANY.equals(o.trim())) {
        star = true;
      } else {
        origins.add(normalize(o));
      }
    }
    this.any = star;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    // the answer depends on Origin, so caches must keep answers for different origins apart
    response.headers().add(HttpHeaders.VARY, "Origin");
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null) {
      ctx.next();
      return;
    }
    boolean preflight = request.method() == HttpMethod.OPTIONS
        && request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null;
    if (!allowed(origin)) {
      if (!preflight && sameOrigin(request, origin)) {
        ctx.next();
        return;
      }
      HttpErrors.send(response, ErrorCode.FORBIDDEN, "Pages from origin '" + origin
          + "' may not call this server: its allow-list (http.allowedOrigins) does not name that origin.");
      return;
    }
    response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if (preflight) {
      response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS)
          .setStatusCode(204)
          .end();
      return;
    }
    ctx.next();
  }

  boolean allowed(String origin) {
    return any || origins.contains(normalize(origin));
  }

  /** Browsers send Origin on same-origin POSTs too; those never need the allow-list. */
  private static boolean sameOrigin(HttpServerRequest request, String origin) {
    String host = request.getHeader(HttpHeaders.HOST);
    int scheme = origin.indexOf("://");
    return host != null && scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
  }

  private static String normalize(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
