package io.rtgw.protocol;

import java.util.List;

/**
 * A connection node reads the positions of many channels in one request: when it cannot trust the
 * changes feed, and in slow rotation to keep the epochs of its quiet channels alive. Unlike a
 * {@link HistoryRead} it creates no epoch: a channel history knows nothing of is left out of the answer.
 */
public record PositionsRead(List<String> channels) {

  public PositionsRead {
    channels = List.copyOf(channels);
  }
}
