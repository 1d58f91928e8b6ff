package io.rtgw.history;

import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.ChannelPosition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The memory store's record of which channels were appended to, in order: each channel once, at its
 * latest append, so it holds at most one entry per channel and at most {@code retained} in all. A cursor
 * is this feed's random name and a sequence number; a cursor of another feed (the history process
 * restarted) or older than what was dropped is answered with {@code complete = false}. One owner.
 *
 * <p>Every append is on the publish path, so it costs an array slot and, for a channel seen before, no
 * allocation and no lookup: appends go to the end of two parallel arrays in sequence order, and a
 * channel's earlier slot is left in place, stale (its sequence number is no longer the channel's latest),
 * and skipped by readers. Stale entries are compacted away once they outnumber the live ones, so the arrays stay within
 * about twice the channels kept. A read finds its cursor by binary search.
 */
final class ChangeFeed {

  private final String name = Epochs.next();
  private final int retained;
  /** The entry of each channel kept. */
  private final Map<String, Entry> latest = new HashMap<>();
  private long[] seqs = new long[16];
  private Entry[] entries = new Entry[16];
  /** The slots are {@code [head, tail)}, in increasing sequence order, live and stale. */
  private int head;
  private int tail;
  private long seq;
  /** Changes up to this sequence number may have been dropped. */
  private long droppedUpTo;

  /**
   * A channel's place in the feed, which its owner (the channel's log) holds so an append finds it without
   * a map lookup, and a slot tells live from stale without one: live when its entry is kept and this is
   * the entry's latest sequence number.
   */
  static final class Entry {
    final String channel;
    long seq;
    boolean kept;

    Entry(String channel) {
      this.channel = channel;
    }
  }

  ChangeFeed(int retained) {
    this.retained = retained;
  }

  /** An append to a channel whose entry the caller does not hold. */
  void appended(String channel) {
    Entry e = latest.get(channel);
    appended(e != null ? e : new Entry(channel));
  }

  /** An append to {@code e}'s channel. An entry dropped or replaced is kept again, in place of any other. */
  void appended(Entry e) {
    if (!e.kept) {
      Entry other = latest.put(e.channel, e);
      if (other != null) {
        other.kept = false;
      }
      e.kept = true;
    }
    e.seq = ++seq;
    if (tail == seqs.length) {
      makeRoom();
    }
    seqs[tail] = seq;
    entries[tail++] = e;
    while (latest.size() > retained) {
      dropOldest();
    }
  }

  private boolean live(int i) {
    Entry e = entries[i];
    return e.kept && e.seq == seqs[i];
  }

  /** Drops the oldest live entry, and the stale ones before it. */
  private void dropOldest() {
    while (head < tail) {
      int i = head++;
      boolean wasLive = live(i);
      Entry e = entries[i];
      entries[i] = null;
      if (wasLive) {
        latest.remove(e.channel);
        e.kept = false;
        droppedUpTo = seqs[i];
        return;
      }
    }
  }

  /** At the end of the arrays: the live entries move to the front, and the arrays grow if they are most of it. */
  private void makeRoom() {
    int n = 0;
    for (int i = head; i < tail; i++) {
      if (live(i)) {
        seqs[n] = seqs[i];
        entries[n++] = entries[i];
      }
    }
    Arrays.fill(entries, n, tail, null);
    head = 0;
    tail = n;
    if (n > seqs.length / 2) {
      seqs = Arrays.copyOf(seqs, seqs.length * 2);
      entries = Arrays.copyOf(entries, entries.length * 2);
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
    for (int i = firstAfter(from); i < tail; i++) {
      if (!live(i)) {
        continue;
      }
      if (out.size() == limit) {
        return new ChannelChanges(cursor(last), true, true, out);
      }
      last = seqs[i];
      ChannelPosition p = position.apply(entries[i].channel);
      if (p != null) {
        out.add(p);
      }
    }
    return new ChannelChanges(cursor(last), true, false, out);
  }

  /** The index of the first entry with a sequence number above {@code from}. */
  private int firstAfter(long from) {
    int lo = head;
    int hi = tail;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (seqs[mid] <= from) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
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
