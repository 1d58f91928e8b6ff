package io.rtgw.protocol;

import java.util.List;

/**
 * A connection instance's batch of route changes for its node-routed channels: the channels it now has
 * subscribers for ({@code add}) and those it no longer has ({@code remove}). One request at a time per
 * instance, so a remove and a later add of one channel are sent in that order.
 *
 * <p>{@code seq} grows with every batch of the instance. A batch whose request timed out can still be
 * carried out later (a frozen history member thawing, another member taking the retry), after a newer one:
 * a store never lets a batch undo a change of a batch with a higher {@code seq}. 0 means unordered (a
 * sender that does not number its batches): applied as it comes.
 */
public record RouteChanges(String instance, long seq, List<String> add, List<String> remove) {

  public RouteChanges {
    add = add == null ? List.of() : List.copyOf(add);
    remove = remove == null ? List.of() : List.copyOf(remove);
  }
}
