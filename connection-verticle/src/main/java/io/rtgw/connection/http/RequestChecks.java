package io.rtgw.connection.http;

import io.netty.handler.codec.TooLongFrameException;
import io.rtgw.connection.HttpErrors;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Requests that are broken before any endpoint sees them, answered in the protocol's shape rather than
 * with Vert.x's bare status (a 414 has no place in the protocol) or a 500 from a decoder exception.
 */
public final class RequestChecks {

  /** Longest request line (method, URL, version): room for 32 channels of 160 characters and a cursor. */
  public static final int MAX_REQUEST_LINE = 16 * 1024;

  private RequestChecks() {
  }

  /** For {@code HttpServer.invalidRequestHandler}: the server closes the connection after this answer. */
  public static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    String sentence = cause instanceof TooLongFrameException
        ? "The request line or headers are too long (the URL may be at most " + MAX_REQUEST_LINE + " bytes)."
        : "The request is not valid HTTP.";
    // said out loud, so that no client sends its next request down a connection about to close
    request.response().putHeader(HttpHeaders.CONNECTION, "close");
    HttpErrors.send(request.response(), ErrorCode.BAD_REQUEST, sentence);
  }

  /**
   * Request framing that smuggling attacks use. A request with {@code Transfer-Encoding} has its
   * connection closed after the answer (RFC 9112 6.1 asks that of one that also has a
   * {@code Content-Length}; Netty drops that header before Vert.x shows the request, so every chunked
   * request is treated so): whatever a proxy in front read as this request's end, nothing after it on the
   * connection is served. A {@code Transfer-Encoding} other than {@code chunked} is {@code 400}.
   */
  public static void framing(RoutingContext ctx) {
    String te = ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING);
    if (te == null || ctx.request().version() == io.vertx.core.http.HttpVersion.HTTP_2) {
      ctx.next();
      return;
    }
    io.vertx.core.http.HttpConnection connection = ctx.request().connection();
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    ctx.addEndHandler(ar -> connection.close());
    if (!"chunked".equalsIgnoreCase(te.trim())) {
      HttpErrors.send(ctx.response(), ErrorCode.BAD_REQUEST, "Transfer-Encoding must be 'chunked' (or absent).");
      return;
    }
    ctx.next();
  }

  /**
   * Decodes the query string once up front, so that bad percent-encoding is a bad request everywhere; and
   * refuses paths with a trailing slash.
   */
  public static void query(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path != null && path.length() > 1 && path.endsWith("/")) {
      // the router would serve /sse/ as /sse: an endpoint is its exact path, like the protocol names it
      HttpErrors.send(ctx.response(), ErrorCode.NOT_FOUND, "No such endpoint: " + ctx.request().method() + " "
          + path + ".");
      return;
    }
    try {
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      ctx.fail(GatewayException.badRequest("The query string is not valid URL encoding (a % must be followed by two hex digits)."));
      return;
    }
    ctx.next();
  }
}
