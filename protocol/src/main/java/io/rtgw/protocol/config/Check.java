package io.rtgw.protocol.config;

final class Check {

  private Check() {
  }

  static void range(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new ConfigException(name + " must be between " + min + " and " + max + ", not " + value + ".");
    }
  }
}
