package io.rtgw.history;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Short random epoch names: a new one each time a channel's log is created.
 *
 * <p>An epoch must differ from the channel's earlier ones (36^6, about 2.2 billion names, makes a repeat
 * after a reset a one-in-billions event), but it is no secret: every message carries it to every
 * subscriber, and nothing is granted to whoever knows it. So it comes from {@link ThreadLocalRandom},
 * not a shared {@code SecureRandom}: the Redis store draws one for every append and every read (the
 * script uses it only if the channel's metadata is gone), and a shared generator would make every history
 * instance's event loop take the same lock for it.
 */
final class Epochs {

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final int LENGTH = 6;

  private Epochs() {
  }

  static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
