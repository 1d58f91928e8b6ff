package io.rtgw.testkit;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** Checks on received message lists. */
public final class Offsets {

  private Offsets() {
  }

  /** The offsets of the messages, in the order received. */
  public static List<Long> of(List<JsonObject> messages) {
    return messages.stream().map(m -> m.getLong("offset")).toList();
  }

  /** {@code from, from + 1, ..., to}. */
  public static List<Long> range(long from, long to) {
    return java.util.stream.LongStream.rangeClosed(from, to).boxed().toList();
  }
}
