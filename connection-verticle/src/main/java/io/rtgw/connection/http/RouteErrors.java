package io.rtgw.connection.http;

import io.rtgw.connection.HttpErrors;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's own failures in the protocol's error shape: a handler that throws a
 * {@link GatewayException}, a body over the limit (413 from the body handler), an unmatched method (405,
 * which the protocol calls {@code not_found}: an endpoint is a method and a path), and any bug (500).
 * A client that goes away mid-request (closed or reset while its body is read) is its own fault, not
 * the server's: one debug line, no stack trace, nothing to answer.
 */
public final class RouteErrors {

  private static final Logger LOG = LoggerFactory.getLogger(RouteErrors.class);

  private RouteErrors() {
  }

  /** The status the body deadline fails a request with (answered as the protocol's bad_request). */
  public static final int BODY_TIMEOUT = 408;

  public static void install(Router router, int maxBodyBytes, long bodyTimeoutMs) {
    router.errorHandler(BODY_TIMEOUT, ctx -> {
      // the client is too slow to be worth the connection: answered, then the connection goes
      ctx.response().putHeader("Connection", "close");
      handle(ctx, ErrorCode.BAD_REQUEST, "The request body did not arrive within " + bodyTimeoutMs + " ms.");
    });
    router.route().failureHandler(RouteErrors::clientGone);
    router.errorHandler(400, ctx -> handle(ctx, ErrorCode.BAD_REQUEST, "The request is malformed."));
    router.errorHandler(403, ctx -> handle(ctx, ErrorCode.FORBIDDEN, "This request is not allowed."));
    router.errorHandler(404, ctx -> handle(ctx, ErrorCode.NOT_FOUND, notFound(ctx)));
    router.errorHandler(405, ctx -> handle(ctx, ErrorCode.NOT_FOUND, notFound(ctx)));
    router.errorHandler(413, ctx -> handle(ctx, ErrorCode.TOO_LARGE,
        "The request body is larger than the limit of " + maxBodyBytes + " bytes."));
    router.errorHandler(500, ctx -> handle(ctx, ErrorCode.INTERNAL, "Internal error; the server logged the cause."));
  }

  public static String notFound(RoutingContext ctx) {
    return "No such endpoint: " + ctx.request().method() + " " + ctx.request().path() + ".";
  }

  private static void clientGone(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpClosedException || failure instanceof IOException) {
      LOG.debug("The client of {} {} went away mid-request: {}", ctx.request().method(), ctx.request().path(),
          failure.getMessage());
      return;
    }
    ctx.next();
  }

  private static void handle(RoutingContext ctx, ErrorCode code, String sentence) {
    Throwable failure = ctx.failure();
    if (failure instanceof GatewayException g) {
      HttpErrors.send(ctx.response(), g.code(), g.getMessage());
      return;
    }
    if (code == ErrorCode.INTERNAL) {
      if (ctx.response().closed()) {
        // the client went away (e.g. in the middle of its body): its doing, and no bug to log loudly
        LOG.debug("Request {} {} ended by the client: {}", ctx.request().method(), ctx.request().path(),
            failure == null ? "closed" : failure.toString());
        return;
      }
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), failure);
    }
    if (!ctx.response().closed() && !ctx.response().ended()) {
      HttpErrors.send(ctx.response(), code, sentence);
    }
  }
}
