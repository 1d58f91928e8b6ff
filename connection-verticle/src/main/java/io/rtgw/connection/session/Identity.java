package io.rtgw.connection.session;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Who a client is, once its credentials are checked: a user id (null: anonymous), when its token expires
 * (null: it does not), the channels its token grants (the {@code channels} claim: subscribed at connect,
 * and readable even where the namespace rules alone would refuse), and whether it is a backend service
 * (an API key), which publishes under the server-side rules. {@code info} and {@code hooked}: what the
 * application's connect hook said about the client, and whether the hook settled it (then the refresh
 * hook, not the client's token, renews it).
 */
public record Identity(String user, Long expiresAt, Set<String> grants, boolean service, JsonObject info,
                       boolean hooked) {

  public static final int MAX_USER_ID_LENGTH = 128;
  public static final Identity ANONYMOUS = new Identity(null, null, Set.of(), false);

  public Identity {
    grants = grants == null ? Set.of() : Set.copyOf(grants);
    info = info == null ? null : info.copy();
  }

  public Identity(String user, Long expiresAt, Set<String> grants, boolean service) {
    this(user, expiresAt, grants, service, null, false);
  }

  public static Identity user(String user) {
    return new Identity(user, null, Set.of(), false);
  }

  public static Identity backend() {
    return new Identity(null, null, Set.of(), true);
  }

  public boolean anonymous() {
    return user == null && !service;
  }
}
