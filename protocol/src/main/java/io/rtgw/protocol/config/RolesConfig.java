package io.rtgw.protocol.config;

/** The tiers this process runs. Standalone runs all four; clustered processes pick. */
public record RolesConfig(RoleConfig connection, RoleConfig fanout, RoleConfig history, RoleConfig presence) {

  public RolesConfig {
    connection = connection == null ? new RoleConfig(null, null) : connection;
    fanout = fanout == null ? new RoleConfig(null, null) : fanout;
    history = history == null ? new RoleConfig(null, null) : history;
    presence = presence == null ? new RoleConfig(null, null) : presence;
  }
}
