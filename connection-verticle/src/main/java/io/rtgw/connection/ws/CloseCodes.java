package io.rtgw.connection.ws;

/** The WebSocket close codes of PROTOCOL.md that this transport sends. */
final class CloseCodes {

  static final short NORMAL = 1000;
  static final short GOING_AWAY = 1001;
  static final short PROTOCOL_ERROR = 1002;
  /** A text message that is not UTF-8 (RFC 6455 7.4.1). */
  static final short INVALID_DATA = 1007;
  static final short POLICY = 1008;
  static final short TOO_BIG = 1009;
  static final short INTERNAL = 1011;
  static final short SLOW_CONSUMER = 4000;
  static final short TOO_MANY_CONNECTIONS = 4001;

  private CloseCodes() {
  }
}
