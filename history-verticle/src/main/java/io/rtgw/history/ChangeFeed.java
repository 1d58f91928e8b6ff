package io.rtgw.history;

import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.ChannelPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The memory store's record of which channels were appended to, in order: each channel once, at its
 * latest append, so it holds at most one entry per channel and at most {@code retained} in all. A cursor
 * is this feed's random name and a sequence number; a cursor of another feed (the history process
 * restarted) or older than what was dropped is answered with {@code complete = false}. One owner.
 */
final class ChangeFeed {

  private final String name = Epochs.next();
  private final int retained;
  private final TreeMap<Long, String> bySeq = new TreeMap<>();
  private final Map<String, Long> seqOf = new HashMap<>();
  private long seq;
  /** Changes up to this sequence number may have been dropped. */
  private long droppedUpTo;

  ChangeFeed(int retained) {
    this.retained = retained;
  }

  void appended(String channel) {
    Long before = seqOf.put(channel, ++seq);
    if (before != null) {
      bySeq.remove(before);
    }
    bySeq.put(seq, channel);
    while (bySeq.size() > retained) {
      Map.Entry<Long, String> oldest = bySeq.pollFirstEntry();
      seqOf.remove(oldest.getValue());
      droppedUpTo = oldest.getKey();
    }
  }

  /** The channels changed after the cursor; {@code position} is null for a channel no longer kept. */
  ChannelChanges after(ChangesRead read, Function<String, ChannelPosition> position) {
    long from = parse(read.cursor());
    if (from < droppedUpTo || from > seq) {
      return new ChannelChanges(cursor(seq), false, false, List.of());
    }
    int limit = Math.max(1, read.limit());
    List<ChannelPosition> out = new ArrayList<>();
    long last = from;
    NavigableMap<Long, String> tail = bySeq.tailMap(from, false);
    for (Map.Entry<Long, String> e : tail.entrySet()) {
      if (out.size() == limit) {
        return new ChannelChanges(cursor(last), true, true, out);
      }
      last = e.getKey();
      ChannelPosition p = position.apply(e.getValue());
      if (p != null) {
        out.add(p);
      }
    }
    return new ChannelChanges(cursor(last), true, false, out);
  }

  private String cursor(long at) {
    return name + ':' + at;
  }

  /** -1, which no feed accepts, for a missing cursor or one of another feed. */
  private long parse(String cursor) {
    if (cursor == null || !cursor.startsWith(name + ':')) {
      return -1;
    }
    try {
      return Long.parseLong(cursor.substring(name.length() + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
