package io.rtgw.deploy.fault;

import java.util.BitSet;
import java.util.List;

/**
 * Received offsets against the offsets that were published ({@code first..last}): how many never
 * arrived, how many arrived more than once, and how many came after a higher one.
 */
record Tally(long expected, long lost, long duplicated, long outOfOrder) {

  static Tally of(List<Long> received, long first, long last) {
    BitSet seen = new BitSet();
    long duplicated = 0;
    long outOfOrder = 0;
    long previous = Long.MIN_VALUE;
    for (long offset : received) {
      if (offset >= first && offset <= last) {
        int bit = (int) (offset - first);
        if (seen.get(bit)) {
          duplicated++;
        }
        seen.set(bit);
      }
      if (offset <= previous) {
        outOfOrder++;
      }
      previous = Math.max(previous, offset);
    }
    long expected = last - first + 1;
    return new Tally(expected, expected - seen.cardinality(), duplicated, outOfOrder);
  }

  /** The sum over several subscribers. */
  Tally plus(Tally other) {
    return new Tally(expected + other.expected, lost + other.lost, duplicated + other.duplicated, outOfOrder + other.outOfOrder);
  }

  static Tally none() {
    return new Tally(0, 0, 0, 0);
  }

  boolean clean() {
    return lost == 0 && duplicated == 0 && outOfOrder == 0;
  }

  @Override
  public String toString() {
    return expected + " expected deliveries, " + lost + " lost, " + duplicated + " duplicated, " + outOfOrder + " out of order";
  }
}
