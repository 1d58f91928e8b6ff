package io.rtgw.protocol.config;

/** How clients are identified. {@code allowUserParam}: trust {@code ?user=} (development only). */
public record IdentityConfig(Boolean allowUserParam) {

  public IdentityConfig {
    allowUserParam = allowUserParam != null && allowUserParam;
  }
}
