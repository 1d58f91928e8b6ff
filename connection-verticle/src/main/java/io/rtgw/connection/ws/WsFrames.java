package io.rtgw.connection.ws;

import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * Text frames over bytes encoded once. The public {@code WebSocketFrame.textFrame(String)} re-encodes
 * the string on every call; this wraps the shared UTF-8 bytes instead (no copy), which is what makes
 * one encoding per node possible. It uses a Vert.x implementation class, kept to this one place.
 */
final class WsFrames {

  private WsFrames() {
  }

  static WebSocketFrame text(byte[] utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true);
  }
}
