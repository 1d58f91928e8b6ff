package io.rtgw.protocol.config;

/**
 * Whether this process runs a tier, and how many verticle instances of it. {@code instances} left out
 * means the tier's default, which {@link RolesConfig} fills in: the core count for the connection tier,
 * one for the others.
 */
public record RoleConfig(Boolean enabled, Integer instances) {

  public RoleConfig {
    enabled = enabled == null || enabled;
    if (instances != null) {
      Check.range("roles.*.instances", instances, 1, 256);
    }
  }

  /** This role with {@code instances} where the configuration left the count out. */
  RoleConfig withDefaultInstances(int defaultInstances) {
    return instances != null ? this : new RoleConfig(enabled, defaultInstances);
  }
}
