package io.rtgw.connection.http;

import io.rtgw.connection.session.Identity;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * Runs an endpoint once the request's credentials are checked: a refusal is answered 401 with
 * {@code WWW-Authenticate} (RFC 6750), and a rule the endpoint then breaks goes to the router's error
 * handling as if it had been thrown at once (a limit with {@code Retry-After}).
 */
public final class Authenticated {

  private Authenticated() {
  }

  public static void then(RoutingContext ctx, Future<Identity> identity, Consumer<Identity> endpoint) {
    identity.onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof GatewayException g && g.code() == ErrorCode.UNAUTHORIZED) {
          ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        ctx.fail(ar.cause());
        return;
      }
      try {
        endpoint.accept(ar.result());
      } catch (RuntimeException e) {
        if (e instanceof GatewayException g && (g.code() == ErrorCode.UNAVAILABLE || g.code() == ErrorCode.RATE_LIMITED)) {
          // a limit: the client may come back, and is told when
          ctx.response().putHeader("Retry-After", "1");
        }
        ctx.fail(e);
      }
    });
  }
}
