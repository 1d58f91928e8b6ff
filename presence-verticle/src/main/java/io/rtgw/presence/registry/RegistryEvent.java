package io.rtgw.presence.registry;

import io.rtgw.protocol.ConnectionEntry;

/**
 * What the registry decided: {@code occupied} or {@code vacated} (with {@code channel}), or
 * {@code disconnected} (with the {@code connection} of a departed node).
 */
public record RegistryEvent(String type, String channel, ConnectionEntry connection) {

  public static final String OCCUPIED = "occupied";
  public static final String VACATED = "vacated";
  public static final String DISCONNECTED = "disconnected";

  static RegistryEvent occupied(String channel) {
    return new RegistryEvent(OCCUPIED, channel, null);
  }

  static RegistryEvent vacated(String channel) {
    return new RegistryEvent(VACATED, channel, null);
  }

  static RegistryEvent disconnected(ConnectionEntry connection) {
    return new RegistryEvent(DISCONNECTED, null, connection);
  }
}
