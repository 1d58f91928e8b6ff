package io.rtgw.protocol;

import java.util.List;

/**
 * A connection instance's batch of route changes for its node-routed channels: the channels it now has
 * subscribers for ({@code add}) and those it no longer has ({@code remove}). One request at a time per
 * instance, so a remove and a later add of one channel are applied in that order.
 */
public record RouteChanges(String instance, List<String> add, List<String> remove) {

  public RouteChanges {
    add = add == null ? List.of() : List.copyOf(add);
    remove = remove == null ? List.of() : List.copyOf(remove);
  }
}
