package io.rtgw.bench;

import io.vertx.core.buffer.Buffer;

/**
 * The ~100-byte JSON body every scenario publishes: a sequence number per channel, the send time on
 * the one monotonic clock all processes on this machine share ({@link System#nanoTime()} is
 * CLOCK_MONOTONIC on Linux), and padding. Every server passes it through untouched, so receivers find
 * it in any framing by scanning bytes instead of parsing JSON.
 */
public final class Payload {

  public static final int SIZE = 100;
  private static final byte[] SEQ_KEY = bytes("\"s\":");
  private static final byte[] TIME_KEY = bytes("\"t\":");

  private Payload() {
  }

  public static String of(long seq, long nanos) {
    StringBuilder sb = new StringBuilder(SIZE).append("{\"s\":").append(seq).append(",\"t\":").append(nanos)
        .append(",\"p\":\"");
    while (sb.length() < SIZE - 2) {
      sb.append('x');
    }
    return sb.append("\"}").toString();
  }

  /** Where the next payload starts at or after {@code from}, or -1. */
  public static int next(Buffer b, int from) {
    return indexOf(b, SEQ_KEY, from);
  }

  /** The sequence number of the payload found at {@code at}. */
  public static long seqAt(Buffer b, int at) {
    return digits(b, at + SEQ_KEY.length);
  }

  /** The send time of the payload found at {@code at}. */
  public static long timeAt(Buffer b, int at) {
    int t = indexOf(b, TIME_KEY, at);
    return t < 0 ? -1 : digits(b, t + TIME_KEY.length);
  }

  public static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  public static int indexOf(Buffer b, byte[] key, int from) {
    int n = b.length() - key.length;
    outer:
    for (int i = Math.max(0, from); i <= n; i++) {
      for (int j = 0; j < key.length; j++) {
        if (b.getByte(i + j) != key[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The decimal number starting at {@code at} (after optional spaces), or -1. */
  public static long digits(Buffer b, int at) {
    int i = at;
    while (i < b.length() && b.getByte(i) == ' ') {
      i++;
    }
    long v = 0;
    int start = i;
    while (i < b.length()) {
      byte c = b.getByte(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
      i++;
    }
    return i == start ? -1 : v;
  }

  /** The JSON string value after {@code key} (e.g. {@code "epoch":}), or null. */
  public static String stringAfter(Buffer b, byte[] key, int from) {
    int k = indexOf(b, key, from);
    if (k < 0) {
      return null;
    }
    int open = k + key.length;
    while (open < b.length() && b.getByte(open) != '"') {
      open++;
    }
    int close = open + 1;
    while (close < b.length() && b.getByte(close) != '"') {
      close++;
    }
    return close >= b.length() ? null : b.getString(open + 1, close);
  }
}
