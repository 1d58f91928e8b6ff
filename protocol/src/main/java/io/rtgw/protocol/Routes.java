package io.rtgw.protocol;

import java.util.List;

/** Connection instances (ids for {@link Addresses#node}). */
public record Routes(List<String> instances) {

  public Routes {
    instances = instances == null ? List.of() : List.copyOf(instances);
  }
}
