package io.rtgw.protocol.config;

/**
 * The tiers this process runs. Standalone runs all four; clustered processes pick. The connection tier
 * runs one instance per core unless told otherwise (each instance is an event loop of its own, and the
 * client sockets are the work that grows with the machine); the others one.
 */
public record RolesConfig(RoleConfig connection, RoleConfig fanout, RoleConfig history, RoleConfig presence) {

  public RolesConfig {
    connection = orOn(connection).withDefaultInstances(defaultConnectionInstances());
    fanout = orOn(fanout).withDefaultInstances(1);
    history = orOn(history).withDefaultInstances(1);
    presence = orOn(presence).withDefaultInstances(1);
  }

  /** The connection tier's instance count where {@code roles.connection.instances} is left out. */
  public static int defaultConnectionInstances() {
    return Math.min(256, Runtime.getRuntime().availableProcessors());
  }

  private static RoleConfig orOn(RoleConfig role) {
    return role == null ? new RoleConfig(null, null) : role;
  }
}
