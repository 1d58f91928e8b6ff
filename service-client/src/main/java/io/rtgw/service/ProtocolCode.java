package io.rtgw.service;

/**
 * The protocol's error codes (docs/PROTOCOL.md, "Errors") with their HTTP statuses; over the event bus
 * the status is the failure code of a request and the sentence its message.
 */
public enum ProtocolCode {
  BAD_REQUEST("bad_request", 400),
  UNAUTHORIZED("unauthorized", 401),
  FORBIDDEN("forbidden", 403),
  NOT_FOUND("not_found", 404),
  TOO_LARGE("too_large", 413),
  RATE_LIMITED("rate_limited", 429),
  LIMIT_EXCEEDED("limit_exceeded", 429),
  UNAVAILABLE("unavailable", 503),
  INTERNAL("internal", 500);

  private final String code;
  private final int status;

  ProtocolCode(String code, int status) {
    this.code = code;
    this.status = status;
  }

  /** The code on the wire, e.g. {@code forbidden}. */
  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  /**
   * The code of a bus failure code. 429 is shared by two codes; the bus carries only the status, so it
   * reads as {@link #RATE_LIMITED}. Anything unknown is {@link #INTERNAL}.
   */
  public static ProtocolCode ofStatus(int status) {
    for (ProtocolCode c : values()) {
      if (c.status == status) {
        return c;
      }
    }
    return INTERNAL;
  }

  /** The code named on the wire, or null if the protocol has no such code. */
  public static ProtocolCode ofCode(String code) {
    for (ProtocolCode c : values()) {
      if (c.code.equals(code)) {
        return c;
      }
    }
    return null;
  }
}
