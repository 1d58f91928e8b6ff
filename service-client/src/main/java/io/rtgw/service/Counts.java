package io.rtgw.service;

/**
 * Connections and subscribers across the cluster, of one channel or of all; {@code incomplete} when
 * some connection instance did not answer in time.
 */
public record Counts(long connections, long subscribers, boolean incomplete) {
}
