package io.rtgw.protocol.config;

/** Whether this process runs a tier, and how many verticle instances of it. */
public record RoleConfig(Boolean enabled, Integer instances) {

  public RoleConfig {
    enabled = enabled == null || enabled;
    instances = instances == null ? 1 : instances;
    Check.range("roles.*.instances", instances, 1, 256);
  }
}
