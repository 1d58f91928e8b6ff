package io.rtgw.protocol.config;

import java.util.List;

/**
 * Clustering. Off: one JVM, a local event bus. On: join a Hazelcast cluster configured by
 * {@code configFile} (conf/cluster.xml; {@code classpath:cluster.xml} for the copy packed in the jar),
 * named {@code name}, with this member's {@code host}/{@code port} and the TCP-IP {@code members} to join
 * (multicast stays off). The event bus listens on {@code busHost}/{@code busPort} (0: a random port).
 * With {@code kubernetesServiceDns} set (a headless Service's DNS name), members are found by Hazelcast's
 * Kubernetes discovery in DNS lookup mode instead of the TCP-IP list.
 *
 * <p>Failure detection: members send a heartbeat every {@code heartbeatIntervalSeconds}; one silent for
 * {@code maxNoHeartbeatSeconds} is declared dead, its users leave and its channels are forgotten.
 * Hazelcast's own default (60 s) would leave a frozen node's clients unserved for a minute.
 *
 * <p>{@code singleStateMember}: a clustered history or presence tier on the memory store is refused, since
 * two such processes would each keep their own offsets and members (a split brain). Setting this says
 * this process is the only history/presence member; it then holds a cluster-wide lock for its lifetime,
 * so a second process that says the same fails to start.
 *
 * <p>{@code mergeDelaySeconds}: how soon after starting, and then how often, a member looks for another
 * cluster of its name to merge with. A member that was cut off (frozen, partitioned) forms a cluster of
 * its own; it rejoins only at that check. Hazelcast's defaults (300 s, then 120 s) keep it apart for
 * minutes.
 */
public record ClusterConfig(Boolean enabled, String name, String configFile, String host, Integer port,
                            List<String> members, String busHost, Integer busPort,
                            Integer heartbeatIntervalSeconds, Integer maxNoHeartbeatSeconds,
                            Boolean singleStateMember, String kubernetesServiceDns,
                            Integer mergeDelaySeconds) {

  public static final String CLASSPATH_PREFIX = "classpath:";
  public static final int DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 1;
  public static final int DEFAULT_MAX_NO_HEARTBEAT_SECONDS = 5;
  public static final int DEFAULT_MERGE_DELAY_SECONDS = 2;

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
    heartbeatIntervalSeconds = heartbeatIntervalSeconds == null ? DEFAULT_HEARTBEAT_INTERVAL_SECONDS : heartbeatIntervalSeconds;
    maxNoHeartbeatSeconds = maxNoHeartbeatSeconds == null ? DEFAULT_MAX_NO_HEARTBEAT_SECONDS : maxNoHeartbeatSeconds;
    singleStateMember = singleStateMember != null && singleStateMember;
    kubernetesServiceDns = kubernetesServiceDns == null ? "" : kubernetesServiceDns.strip();
    mergeDelaySeconds = mergeDelaySeconds == null ? DEFAULT_MERGE_DELAY_SECONDS : mergeDelaySeconds;
    Check.range("cluster.port", port, 0, 65535);
    Check.range("cluster.busPort", busPort, 0, 65535);
    Check.range("cluster.heartbeatIntervalSeconds", heartbeatIntervalSeconds, 1, 60);
    Check.range("cluster.maxNoHeartbeatSeconds", maxNoHeartbeatSeconds, 2, 600);
    Check.range("cluster.mergeDelaySeconds", mergeDelaySeconds, 1, 3600);
    if (maxNoHeartbeatSeconds < 2 * heartbeatIntervalSeconds) {
      throw new ConfigException("cluster.maxNoHeartbeatSeconds (" + maxNoHeartbeatSeconds
          + ") must be at least twice cluster.heartbeatIntervalSeconds (" + heartbeatIntervalSeconds
          + "), or one late heartbeat declares a member dead.");
    }
  }

  /** Every cluster setting at its default (clustering off). */
  public static ClusterConfig defaults() {
    return new ClusterConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /**
   * Whether this member should have peers: Kubernetes discovery, or a member list naming anything but
   * this member. Such a member that sees itself alone was cut off (or everyone else is gone): either way
   * it cannot serve, and it must not take the others' departures for facts.
   */
  public boolean expectsPeers() {
    if (!enabled) {
      return false;
    }
    if (!kubernetesServiceDns.isEmpty()) {
      return true;
    }
    for (String m : members) {
      String member = m.strip();
      if (!member.equals(host) && !member.equals(host + ":" + port)) {
        return true;
      }
    }
    return false;
  }
}
