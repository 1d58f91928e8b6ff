package io.rtgw.service;

import java.util.List;

/**
 * A page of a channel's history. {@code offset} is the channel's latest offset in {@code epoch};
 * {@code recovered} is false when the position asked for could not be continued exactly (another
 * epoch, evicted, in the future): {@code messages} are then what history still retains.
 */
public record HistoryPage(String channel, String epoch, long offset, boolean recovered, List<ChannelMessage> messages) {

  public HistoryPage {
    messages = List.copyOf(messages);
  }

  /** The position after the last message of this page, to ask for the next one. */
  public Position next() {
    return messages.isEmpty() ? new Position(epoch, offset) : messages.get(messages.size() - 1).position();
  }

  static HistoryPage from(Object reply) {
    Body b = Body.answer(reply, "answer of rt.history.query");
    return new HistoryPage(b.string("channel"), b.string("epoch"), b.number("offset"), b.bool("recovered"),
        b.objects("messages", "message", ChannelMessage::from));
  }
}
