package io.rtgw.protocol.config;

import java.util.List;

/**
 * Clustering. Off: one JVM, a local event bus. On: join a Hazelcast cluster configured by
 * {@code configFile} (conf/cluster.xml), named {@code name}, with this member's {@code host}/{@code port} and the
 * TCP-IP {@code members} to join (multicast stays off).
 */
public record ClusterConfig(Boolean enabled, String name, String configFile, String host, Integer port,
                            List<String> members, String busHost, Integer busPort) {

  public ClusterConfig {
    enabled = enabled != null && enabled;
    // members join only a cluster of the same name: separate gateways (or test runs) on one host stay apart
    name = name == null ? "rtgw" : name;
    configFile = configFile == null ? "conf/cluster.xml" : configFile;
    host = host == null ? "127.0.0.1" : host;
    port = port == null ? 5701 : port;
    members = members == null ? List.of("127.0.0.1") : List.copyOf(members);
    busHost = busHost == null ? host : busHost;
    busPort = busPort == null ? 0 : busPort;
    Check.range("cluster.port", port, 0, 65535);
    Check.range("cluster.busPort", busPort, 0, 65535);
  }
}
