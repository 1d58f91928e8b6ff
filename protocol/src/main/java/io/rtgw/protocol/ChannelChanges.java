package io.rtgw.protocol;

import java.util.List;

/**
 * The channels appended to after a {@link ChangesRead}'s cursor, oldest change first, each with a
 * position at least as new as that change; the asker passes {@code cursor} back next time.
 * {@code complete} is false when changes after the asked cursor may be missing (no cursor was given, it
 * is older than what history still remembers, or history lost its state): the asker must then check
 * every channel it holds ({@link PositionsRead}). {@code more} says further changes follow right away.
 */
public record ChannelChanges(String cursor, boolean complete, boolean more, List<ChannelPosition> changes) {

  public ChannelChanges {
    changes = List.copyOf(changes);
  }
}
