package io.rtgw.deploy;

import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.RoleConfig;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.List;

/**
 * What the launcher's one start line says: node id, the roles with their instance counts, where HTTP
 * listens and how, and the cluster joined with its member count, e.g. {@code node 1f0c..., roles
 * connection x1 fanout x1 history x1 presence x1, http on http://localhost:8080/ (HTTP/1.1), not clustered}.
 */
final class StartLine {

  private StartLine() {
  }

  static String of(GatewayConfig config, Gateway gateway) {
    List<String> roles = new ArrayList<>();
    role(roles, "connection", config.roles().connection());
    role(roles, "fanout", config.roles().fanout());
    role(roles, "history", config.roles().history());
    role(roles, "presence", config.roles().presence());
    StringBuilder line = new StringBuilder("node ").append(gateway.nodeId())
        .append(", roles ").append(roles.isEmpty() ? "none" : String.join(" ", roles));
    if (config.roles().connection().enabled()) {
      boolean tls = config.http().tls().enabled();
      line.append(", http on ").append(tls ? "https" : "http").append("://localhost:").append(gateway.httpPort())
          .append("/ (").append(tls ? "TLS, HTTP/2 and HTTP/1.1" : config.http().h2c() ? "HTTP/1.1 and h2c" : "HTTP/1.1")
          .append(")");
    }
    if (config.cluster().enabled()) {
      line.append(", cluster ").append(config.cluster().name()).append(" on ").append(config.cluster().host())
          .append(":").append(config.cluster().port());
      ClusterManager manager = gateway.vertx() instanceof VertxInternal v ? v.clusterManager() : null;
      if (manager != null) {
        int members = manager.getNodes().size();
        line.append(" (").append(members).append(members == 1 ? " member)" : " members)");
      }
    } else {
      line.append(", not clustered");
    }
    return line.toString();
  }

  private static void role(List<String> roles, String name, RoleConfig role) {
    if (role.enabled()) {
      roles.add(name + " x" + role.instances());
    }
  }
}
