package io.rtgw.connection.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * What a request that stays open (an SSE stream, a held poll) can let go of. Vert.x keeps the request's
 * headers and parsed query parameters, and the response's headers, for as long as the exchange lasts:
 * 0.5 KB per idle stream from the bench's clients, and several KB from a browser (cookies, user agent,
 * client hints), for maps nothing reads again once the gateway has taken what it needs.
 */
public final class HeldRequests {

  private HeldRequests() {
  }

  /**
   * Empties the request's headers and query parameters. Call once everything that reads them has (the
   * connect hook copies the headers it forwards; the access log notes the credentials as the request
   * comes in). HTTP/1.x only: an HTTP/2 stream's headers belong to its connection's codec.
   */
  public static void forgetRequest(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      return;
    }
    request.headers().clear();
    request.params().clear();
  }

  /**
   * Empties an HTTP/1.x response's headers once its head is on the wire: Vert.x reads them only to write
   * the head. The caller knows the version (HTTP/2 keeps its own).
   */
  public static void forgetResponseHead(HttpServerResponse response) {
    if (response.headWritten()) {
      response.headers().clear();
    }
  }
}
