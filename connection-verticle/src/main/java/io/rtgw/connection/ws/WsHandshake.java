package io.rtgw.connection.ws;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.Base64;

/**
 * The upgrade request as RFC 6455 4.2.1 wants it, checked before anything else: Vert.x would upgrade an
 * HTTP/1.0 request, a key that is not 16 bytes in base64 and older draft versions. Each is a
 * {@code 400 bad_request} with a sentence.
 */
final class WsHandshake {

  /** The only version this server speaks (RFC 6455 4.4). */
  static final String VERSION = "13";
  private static final int KEY_BYTES = 16;

  private WsHandshake() {
  }

  /** Null when the request is a proper upgrade, else why not. */
  static String problem(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_1_1) {
      return "A WebSocket upgrade needs HTTP/1.1.";
    }
    String upgrade = request.getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || !"websocket".equalsIgnoreCase(upgrade.trim())) {
      return "GET /ws is a WebSocket endpoint: send 'Upgrade: websocket' (or use /sse or /poll).";
    }
    String connection = request.getHeader(HttpHeaders.CONNECTION);
    if (connection == null || !connection.toLowerCase(java.util.Locale.ROOT).contains("upgrade")) {
      return "A WebSocket upgrade needs 'Connection: Upgrade'.";
    }
    if (!VERSION.equals(request.getHeader("Sec-WebSocket-Version"))) {
      return "Sec-WebSocket-Version must be " + VERSION + " (RFC 6455).";
    }
    String key = request.getHeader("Sec-WebSocket-Key");
    if (key == null || !validKey(key.trim())) {
      return "Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters).";
    }
    return null;
  }

  private static boolean validKey(String key) {
    if (key.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key).length == KEY_BYTES;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
