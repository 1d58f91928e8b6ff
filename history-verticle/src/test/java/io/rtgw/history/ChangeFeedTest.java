package io.rtgw.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.ChannelPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The feed against a plain model of it (one entry per channel at its latest append, in a sorted map):
 * random appends over hot and cold channels, with compaction and growth and drops at the bound, and
 * reads from every cursor handed out, in pages of random sizes, answer the same.
 */
class ChangeFeedTest {

  /** What the feed must answer, kept the simple way. */
  private static final class Model {
    final int retained;
    final TreeMap<Long, String> bySeq = new TreeMap<>();
    final Map<String, Long> seqOf = new HashMap<>();
    long seq;
    long droppedUpTo;

    Model(int retained) {
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

    /** Same shape as the feed's answer, the cursor as a bare number. */
    String after(long from, int limit) {
      if (from < droppedUpTo || from > seq) {
        return seq + " incomplete []";
      }
      List<String> out = new ArrayList<>();
      long last = from;
      for (Map.Entry<Long, String> e : bySeq.tailMap(from, false).entrySet()) {
        if (out.size() == limit) {
          return last + " more " + out;
        }
        last = e.getKey();
        out.add(e.getValue());
      }
      return last + " done " + out;
    }
  }

  @Test
  void answers_as_the_model_does_whether_appends_come_by_name_or_by_a_held_entry() {
    Random random = new Random(42);
    for (int run = 0; run < 20; run++) {
      int retained = 1 + random.nextInt(40);
      int channelCount = 1 + random.nextInt(80);
      ChangeFeed feed = new ChangeFeed(retained);
      Model model = new Model(retained);
      String prefix = feed.after(new ChangesRead(null, 1), this::position).cursor().replaceAll(":\\d+$", ":");
      List<Long> cursors = new ArrayList<>(List.of(0L));
      // entries held as a channel's log holds its own; now and then a log is made anew (the channel expired)
      Map<String, ChangeFeed.Entry> held = new HashMap<>();
      for (int step = 0; step < 3_000; step++) {
        if (random.nextInt(5) > 0) {
          // a few hot channels take most appends, so stale entries pile up between compactions
          int c = random.nextInt(4) == 0 ? random.nextInt(channelCount) : random.nextInt(Math.min(3, channelCount));
          String channel = "ch" + c;
          int how = random.nextInt(10);
          if (how < 3) {
            feed.appended(channel);
          } else {
            if (how == 9) {
              held.remove(channel);
            }
            feed.appended(held.computeIfAbsent(channel, ChangeFeed.Entry::new));
          }
          model.appended(channel);
          cursors.add(model.seq);
        } else {
          long from = cursors.get(random.nextInt(cursors.size()));
          int limit = 1 + random.nextInt(10);
          ChannelChanges got = feed.after(new ChangesRead(prefix + from, limit), this::position);
          String shape = got.cursor().substring(prefix.length()) + " "
              + (!got.complete() ? "incomplete" : got.more() ? "more" : "done") + " "
              + got.changes().stream().map(ChannelPosition::channel).toList();
          assertThat(shape).as("run %d step %d: after %d, limit %d", run, step, from, limit)
              .isEqualTo(model.after(from, limit));
        }
      }
    }
  }

  private ChannelPosition position(String channel) {
    return new ChannelPosition(channel, "e", 0);
  }
}
