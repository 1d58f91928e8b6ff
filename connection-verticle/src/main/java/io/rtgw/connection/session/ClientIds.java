package io.rtgw.connection.session;

import java.security.SecureRandom;

/** Client ids: short, random, so they are unique across nodes without coordination. */
public final class ClientIds {

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private static final int LENGTH = 10;
  private final SecureRandom random = new SecureRandom();

  public String next() {
    char[] out = new char[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
