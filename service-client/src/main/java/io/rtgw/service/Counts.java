package io.rtgw.service;

/** Connections and subscribers across the cluster, of one channel or of all. */
public record Counts(long connections, long subscribers) {
}
