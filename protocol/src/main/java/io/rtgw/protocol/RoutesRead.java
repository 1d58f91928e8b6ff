package io.rtgw.protocol;

/** Which connection instances hold live routes to {@code channel}. */
public record RoutesRead(String channel) {
}
