package io.rtgw.protocol;

/**
 * One client connection in the connection registry: who, over what, where ({@code node}: the cluster
 * member; {@code holder}: the connection-verticle instance that holds the socket, whose control address
 * is {@link Addresses#control(String)}), since when (epoch ms). {@code user} is null for an anonymous one.
 */
public record ConnectionEntry(String client, String user, String transport, String node, String holder, long since) {
}
