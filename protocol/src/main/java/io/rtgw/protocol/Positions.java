package io.rtgw.protocol;

import java.util.List;

/** The answer to a {@link PositionsRead}: the channels history has a position for. */
public record Positions(List<ChannelPosition> positions) {

  public Positions {
    positions = List.copyOf(positions);
  }
}
