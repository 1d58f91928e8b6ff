package io.rtgw.history;

import io.rtgw.protocol.ChannelPosition;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.config.NamespaceConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** One channel's in-memory log: epoch, last offset and the retained tail. Not thread-safe: one owner. */
final class ChannelLog {

  private final String channel;
  private final String epoch;
  /** Allocated by the first append: most personal channels are read (subscribed) far more than written. */
  private ArrayDeque<Message> messages = EMPTY;
  /** Shared by every log that has never held a message; never added to. */
  private static final ArrayDeque<Message> EMPTY = new ArrayDeque<>(0);
  private long lastOffset;
  private long touchedAt;
  /** This channel's place in the changes feed, made by the first append ({@link ChangeFeed.Entry}). */
  private ChangeFeed.Entry feedEntry;

  ChannelLog(String channel, String epoch, long now) {
    this.channel = channel;
    this.epoch = epoch;
    this.touchedAt = now;
  }

  ChangeFeed.Entry feedEntry() {
    if (feedEntry == null) {
      feedEntry = new ChangeFeed.Entry(channel);
    }
    return feedEntry;
  }

  Message append(String data, String from, long ts, NamespaceConfig ns) {
    Message m = new Message(channel, ++lastOffset, epoch, data, from, ts);
    if (messages == EMPTY) {
      messages = new ArrayDeque<>();
    }
    messages.addLast(m);
    touchedAt = ts;
    trim(ns, ts);
    return m;
  }

  HistoryPage read(Position since, int limit, NamespaceConfig ns, long now) {
    touchedAt = now;
    trim(ns, now);
    if (since == null) {
      return page(true, newest(limit));
    }
    long first = messages.isEmpty() ? lastOffset + 1 : messages.peekFirst().offset();
    boolean recovered = epoch.equals(since.epoch()) && since.offset() <= lastOffset && since.offset() + 1 >= first;
    long after = recovered ? since.offset() : 0;
    return page(recovered, oldestAfter(after, limit));
  }

  /** The position a connection node's batched check is given; counts as a read for the epoch's grace. */
  ChannelPosition position(long now) {
    touchedAt = now;
    return new ChannelPosition(channel, epoch, lastOffset);
  }

  /** The position without touching the log: for the changes feed, which is no sign of interest. */
  ChannelPosition peek() {
    return new ChannelPosition(channel, epoch, lastOffset);
  }

  /** True when the log holds nothing and was not touched for {@code idleMs}: its epoch may be forgotten. */
  boolean idle(long now, long idleMs) {
    return messages.isEmpty() && now - touchedAt > idleMs;
  }

  void trim(NamespaceConfig ns, long now) {
    while (messages.size() > ns.historySize()) {
      messages.pollFirst();
    }
    long oldest = now - ns.historyAgeMs();
    while (!messages.isEmpty() && messages.peekFirst().ts() < oldest) {
      messages.pollFirst();
    }
  }

  private List<Message> newest(int limit) {
    if (limit == 0 || messages.isEmpty()) {
      return List.of();
    }
    int skip = limit < 0 ? 0 : Math.max(0, messages.size() - limit);
    List<Message> out = new ArrayList<>(messages.size() - skip);
    Iterator<Message> it = messages.iterator();
    for (int i = 0; it.hasNext(); i++) {
      Message m = it.next();
      if (i >= skip) {
        out.add(m);
      }
    }
    return out;
  }

  private List<Message> oldestAfter(long after, int limit) {
    List<Message> out = new ArrayList<>();
    for (Message m : messages) {
      if (limit >= 0 && out.size() >= limit) {
        break;
      }
      if (m.offset() > after) {
        out.add(m);
      }
    }
    return out;
  }

  private HistoryPage page(boolean recovered, List<Message> list) {
    return new HistoryPage(channel, epoch, lastOffset, recovered, list);
  }
}
