package io.rtgw.protocol;

/** The protocol's error codes with their HTTP statuses. The status doubles as the event-bus failure code. */
public enum ErrorCode {
  BAD_REQUEST("bad_request", 400),
  UNAUTHORIZED("unauthorized", 401),
  FORBIDDEN("forbidden", 403),
  NOT_FOUND("not_found", 404),
  TOO_LARGE("too_large", 413),
  RATE_LIMITED("rate_limited", 429),
  /** A count limit reached (subscriptions per connection); version 1.1. Shares 429 with rate_limited. */
  LIMIT_EXCEEDED("limit_exceeded", 429),
  UNAVAILABLE("unavailable", 503),
  INTERNAL("internal", 500);

  private final String code;
  private final int status;

  ErrorCode(String code, int status) {
    this.code = code;
    this.status = status;
  }

  /** The machine code on the wire, e.g. {@code bad_request}. */
  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  /** The code for an HTTP status or event-bus failure code; anything unknown is {@link #INTERNAL}. */
  public static ErrorCode ofStatus(int status) {
    for (ErrorCode c : values()) {
      if (c.status == status) {
        return c;
      }
    }
    return INTERNAL;
  }
}
