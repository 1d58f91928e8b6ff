package io.rtgw.connection.poll;

import io.rtgw.connection.Cursor;
import io.rtgw.connection.Tiers;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.MessageJson;
import io.rtgw.protocol.Position;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What history holds after a cursor's positions: the part of a poll that never waits. */
final class Backlog {

  private Backlog() {
  }

  /**
   * Reads every channel after its position in {@code cursor} (at most {@code limit} messages each); a
   * channel the cursor does not cover (or no cursor at all) is positioned at its latest offset.
   */
  static Future<PollReply> read(Tiers tiers, List<String> channels, Cursor cursor, int limit) {
    PollReply reply = new PollReply(channels);
    List<Future<?>> reads = new ArrayList<>(channels.size());
    for (String channel : channels) {
      Position since = cursor == null ? null : cursor.positionOf(channel);
      if (since == null) {
        reads.add(tiers.read(new HistoryRead(channel, null, 0))
            .onSuccess(page -> reply.at(channel, new Position(page.epoch(), page.offset()))));
      } else {
        reads.add(readAfter(tiers, reply, channel, since, limit));
      }
    }
    return Future.all(reads).map(all -> reply);
  }

  /** Adds the channel's messages after {@code since} to {@code reply}, or a reset if history can't continue it. */
  static Future<HistoryPage> readAfter(Tiers tiers, PollReply reply, String channel, Position since, int limit) {
    return tiers.read(new HistoryRead(channel, since, limit)).onSuccess(page -> apply(reply, channel, since, page));
  }

  static void apply(PollReply reply, String channel, Position since, HistoryPage page) {
    List<Message> messages = page.messages();
    if (page.recovered()) {
      reply.at(channel, since);
    } else {
      // what history still holds starts after this position: the client is told, and goes on from there
      long before = messages.isEmpty() ? page.offset() : messages.get(0).offset() - 1;
      reply.reset(channel, new Position(page.epoch(), before));
    }
    for (Message m : messages) {
      reply.add(m, MessageJson.toText(m).getBytes(StandardCharsets.UTF_8));
    }
  }
}
