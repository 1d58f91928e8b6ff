package io.rtgw.service;

/**
 * How many connections a control action (disconnect, subscribe, unsubscribe) reached across the
 * cluster. {@code incomplete}: some connection instance did not answer within the gateway's
 * {@code control.timeoutMs}, so its connections are not counted (and may not have been acted on).
 */
public record Affected(int count, boolean incomplete) {

  static Affected from(Body b, String field) {
    return new Affected((int) b.number(field), incomplete(b));
  }

  /** Absent means complete: the spec's answers carry the flag only when it is true. */
  static boolean incomplete(Body b) {
    return b.json().getValue("incomplete") instanceof Boolean i && i;
  }
}
