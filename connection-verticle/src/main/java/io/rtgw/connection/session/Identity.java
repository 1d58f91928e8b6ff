package io.rtgw.connection.session;

import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.IdentityConfig;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who a client is. Until token authentication exists, the only source is {@code ?user=}, trusted only
 * where the configuration allows it (development); elsewhere a client is anonymous.
 */
public final class Identity {

  public static final int MAX_USER_ID_LENGTH = 128;

  private Identity() {
  }

  /** The user id, or null for an anonymous client. */
  public static String resolve(HttpServerRequest request, IdentityConfig config) {
    String user = request.getParam("user");
    if (user == null) {
      return null;
    }
    if (!config.allowUserParam()) {
      throw new GatewayException(ErrorCode.UNAUTHORIZED,
          "The 'user' parameter is accepted only in development mode; authenticate instead.");
    }
    if (user.isEmpty() || user.length() > MAX_USER_ID_LENGTH || !ChannelName.isValid(ChannelName.personal(user))) {
      throw GatewayException.badRequest("A user id is 1 to " + MAX_USER_ID_LENGTH
          + " characters of A-Z a-z 0-9 _ - . : @ /.");
    }
    return user;
  }
}
