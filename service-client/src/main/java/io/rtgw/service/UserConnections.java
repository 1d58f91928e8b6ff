package io.rtgw.service;

import java.util.List;

/**
 * A user's connections across the cluster; {@code incomplete} when some connection instance did not
 * answer in time (the list lacks its connections).
 */
public record UserConnections(List<Connection> connections, boolean incomplete) {

  public UserConnections {
    connections = List.copyOf(connections);
  }
}
