package io.rtgw.protocol;

/**
 * A connection instance's lease on its routes: {@code instance} lives while refreshed within {@code ttlMs};
 * {@code node} is its cluster node, whose leases all end when the cluster reports the node left.
 */
public record RouteLease(String instance, String node, long ttlMs) {
}
