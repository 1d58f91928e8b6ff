package io.rtgw.connection.poll;

import io.rtgw.connection.Cursor;
import io.rtgw.connection.Resume;
import io.rtgw.connection.Tiers;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.MessageJson;
import io.rtgw.protocol.Position;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What history holds after a cursor's positions, for a poll that never waits (a short poll, or a long
 * poll whose cursor does not cover all its channels): reads only, no subscription.
 */
final class Backlog {

  private Backlog() {
  }

  /**
   * Reads every channel after its position in {@code cursor} (at most {@code limit} messages each); a
   * channel the cursor does not cover (or no cursor at all) is positioned at its latest offset.
   */
  static Future<Buffer> read(Tiers tiers, List<String> channels, Cursor cursor, int limit) {
    PollReply reply = new PollReply(channels);
    Map<String, Position> positions = new HashMap<>();
    List<Future<?>> reads = new ArrayList<>(channels.size());
    for (String channel : channels) {
      Position since = cursor == null ? null : cursor.positionOf(channel);
      if (since == null) {
        reads.add(tiers.read(new HistoryRead(channel, null, 0))
            .onSuccess(page -> positions.put(channel, new Position(page.epoch(), page.offset()))));
        continue;
      }
      reads.add(tiers.read(new HistoryRead(channel, since, limit)).onSuccess(page -> {
        Position at = Resume.startOf(since, page);
        if (!page.recovered()) {
          reply.reset(channel);
        }
        for (Message m : page.messages()) {
          reply.add(channel, MessageJson.toText(m).getBytes(StandardCharsets.UTF_8));
          at = new Position(m.epoch(), m.offset());
        }
        positions.put(channel, at);
      }));
    }
    return Future.all(reads).map(all -> reply.toBuffer(positions));
  }
}
