package io.rtgw.connection.ws;

import io.rtgw.connection.hooks.Hooks;
import io.rtgw.connection.session.Authenticator;
import io.rtgw.connection.session.Identity;
import io.rtgw.protocol.config.AuthConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The WebSocket side of authentication (PROTOCOL.md, Version 1.1): the {@code connect} command and its
 * deadline, the {@code refresh} notice ahead of a token's expiry, and the 1008 close at it. Timers are
 * kept only for connections that need them.
 */
final class WsAuth {

  /** Commands a client may send before its {@code connect} is answered; they wait, in order. */
  static final int MAX_EARLY_COMMANDS = 16;

  private final Vertx vertx;
  private final Authenticator authenticator;
  private final AuthConfig config;
  private final Map<WsConnection, Timers> timers = new IdentityHashMap<>();

  private static final class Timers {
    long connect = -1;
    long refresh = -1;
    long expiry = -1;
    boolean verifying;
  }

  private final Hooks hooks;

  WsAuth(Vertx vertx, Authenticator authenticator, AuthConfig config, Hooks hooks) {
    this.hooks = hooks;
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.config = config;
  }

  boolean anonymousAllowed() {
    return authenticator.anonymousAllowed();
  }

  /** No credentials on the upgrade: the client has {@code auth.connectTimeoutMs} to send {@code connect}. */
  void awaitConnect(WsConnection c) {
    timersOf(c).connect = vertx.setTimer(config.connectTimeoutMs(), id -> {
      Timers t = timers.get(c);
      if (t == null || c.settled() || t.verifying) {
        return;
      }
      t.connect = -1;
      if (anonymousAllowed()) {
        c.settle(null, Identity.ANONYMOUS);
      } else {
        c.close(CloseCodes.POLICY, "authentication required: no connect command within "
            + config.connectTimeoutMs() + " ms");
      }
    });
  }

  boolean verifying(WsConnection c) {
    Timers t = timers.get(c);
    return t != null && t.verifying;
  }

  /** The {@code connect} command: a valid token settles the connection, any other closes it with 1008. */
  void connect(WsConnection c, Object id, String token) {
    Timers t = timersOf(c);
    t.verifying = true;
    authenticator.verify(token).onComplete(ar -> {
      t.verifying = false;
      cancel(t.connect);
      t.connect = -1;
      if (ar.succeeded()) {
        c.settle(id, ar.result());
      } else {
        c.close(CloseCodes.POLICY, ar.cause().getMessage());
      }
    });
  }

  Future<String> verifyGrant(String token, Identity who) {
    return authenticator.verifyGrant(token, who);
  }

  Future<Identity> refresh(WsConnection c, String token) {
    return authenticator.verify(token);
  }

  /** Asks for a refresh {@code auth.refreshAheadMs} before the token expires, and closes with 1008 at expiry. */
  void watchExpiry(WsConnection c, Identity identity) {
    Timers t = timersOf(c);
    cancel(t.refresh);
    cancel(t.expiry);
    t.refresh = -1;
    t.expiry = -1;
    if (identity.expiresAt() == null) {
      return;
    }
    long now = System.currentTimeMillis();
    long untilExpiry = identity.expiresAt() - now;
    if (identity.hooked()) {
      // the connect hook set this expiry: the refresh hook renews it (the client may hold no token at all)
      if (hooks.refreshOn()) {
        t.refresh = vertx.setTimer(Math.max(1, untilExpiry - hooks.beforeExpiryMs()), id -> {
          t.refresh = -1;
          c.refreshByHook();
        });
      }
      t.expiry = vertx.setTimer(Math.max(1, untilExpiry), id -> {
        t.expiry = -1;
        c.close(CloseCodes.POLICY, "connection expired: not renewed by the refresh hook");
      });
      return;
    }
    long untilRefresh = untilExpiry - config.refreshAheadMs();
    if (untilRefresh > 0) {
      t.refresh = vertx.setTimer(untilRefresh, id -> {
        t.refresh = -1;
        c.askRefresh(identity.expiresAt());
      });
    } else if (untilExpiry > 0) {
      c.askRefresh(identity.expiresAt());
    }
    t.expiry = vertx.setTimer(Math.max(1, untilExpiry), id -> {
      t.expiry = -1;
      c.close(CloseCodes.POLICY, "token expired");
    });
  }

  void forget(WsConnection c) {
    Timers t = timers.remove(c);
    if (t != null) {
      cancel(t.connect);
      cancel(t.refresh);
      cancel(t.expiry);
    }
  }

  private Timers timersOf(WsConnection c) {
    return timers.computeIfAbsent(c, k -> new Timers());
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
