package io.rtgw.deploy.fault;

import java.util.ArrayList;
import java.util.List;

/**
 * What one subscriber received of its channel, in arrival order: every message's epoch and offset, the
 * resets and non-recovered resumes it was told of, and how many times it (re)connected. Written from the
 * subscriber's event loop, read by the test thread.
 */
final class Delivered {

  private final List<Long> offsets = new ArrayList<>();
  private final List<String> epochs = new ArrayList<>();
  private final List<String> notices = new ArrayList<>();
  private int connects;

  synchronized void message(String epoch, long offset) {
    epochs.add(epoch);
    offsets.add(offset);
  }

  /** A {@code reset}, or a resume answered with {@code recovered:false}: what, and the epoch it gave. */
  synchronized void notice(String what) {
    notices.add(what);
  }

  synchronized void connected() {
    connects++;
  }

  synchronized List<Long> offsets() {
    return List.copyOf(offsets);
  }

  synchronized List<String> epochs() {
    return List.copyOf(epochs);
  }

  synchronized List<String> notices() {
    return List.copyOf(notices);
  }

  synchronized int connects() {
    return connects;
  }

  synchronized int count() {
    return offsets.size();
  }

  /** Offsets of {@code epoch} only, in arrival order. */
  synchronized List<Long> offsets(String epoch) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < offsets.size(); i++) {
      if (epochs.get(i).equals(epoch)) {
        out.add(offsets.get(i));
      }
    }
    return out;
  }
}
