package io.rtgw.example;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The example's settings, from SERVICE_* environment variables. The defaults join a cluster started
 * by {@code deploy/local/cluster.sh up} with its default base port 8080 (cluster rtgw-local-8080,
 * members on 8280 and up); this process takes Hazelcast port 8290 and bus port 8390, above the ports
 * cluster.sh gives its own processes.
 */
record Settings(String clusterName, String host, int port, int busPort, List<String> members, Set<String> admins,
                int heartbeatIntervalSeconds, int maxNoHeartbeatSeconds, boolean liteMember) {

  static Settings fromEnv(Map<String, String> env) {
    return new Settings(
        env.getOrDefault("SERVICE_CLUSTER_NAME", "rtgw-local-8080"),
        env.getOrDefault("SERVICE_CLUSTER_HOST", "127.0.0.1"),
        number(env, "SERVICE_CLUSTER_PORT", 8290, 1, 65535),
        number(env, "SERVICE_CLUSTER_BUS_PORT", 8390, 0, 65535),
        list(env.getOrDefault("SERVICE_CLUSTER_MEMBERS", "127.0.0.1:8280")),
        Set.copyOf(list(env.getOrDefault("SERVICE_ADMINS", "admin"))),
        // the gateway's defaults (cluster.heartbeatIntervalSeconds, cluster.maxNoHeartbeatSeconds): the
        // members should agree on when a silent one is gone
        number(env, "SERVICE_CLUSTER_HEARTBEAT_INTERVAL_SECONDS", 1, 1, 60),
        number(env, "SERVICE_CLUSTER_MAX_NO_HEARTBEAT_SECONDS", 5, 2, 600),
        bool(env, "SERVICE_CLUSTER_LITE_MEMBER", true));
  }

  private static int number(Map<String, String> env, String name, int fallback, int min, int max) {
    String v = env.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below with the same sentence
    }
    throw new IllegalArgumentException(name + " must be a number from " + min + " to " + max + ", not '" + v + "'.");
  }

  private static boolean bool(Map<String, String> env, String name, boolean fallback) {
    String v = env.get(name);
    if (v == null) {
      return fallback;
    }
    if (v.trim().equalsIgnoreCase("true") || v.trim().equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(v.trim());
    }
    throw new IllegalArgumentException(name + " must be true or false, not '" + v + "'.");
  }

  private static List<String> list(String v) {
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
  }
}
