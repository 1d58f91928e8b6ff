package io.rtgw.connection;

import io.rtgw.connection.metrics.GatewayMetrics;
import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.ChannelPosition;
import io.rtgw.protocol.Positions;
import io.rtgw.protocol.PositionsRead;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a connection node catches deliveries the bus lost at a channel's tail, at a cost that does not grow
 * with its quiet channels. Every round it asks history once which channels were appended to since the
 * last round (the changes feed) and hints each one it holds; a channel behind its hint reads what it
 * missed. Channels are read one by one only in batches: all of them when history says the feed lost
 * track (first round, history restarted, more appends than it remembers), those whose last read failed,
 * and a slow rotation that reads each channel once per {@code epochRefreshMs}, which keeps its epoch
 * alive in history. Confined to the hub's event loop, like the table it reads.
 */
final class PositionChecks {

  private static final Logger LOG = LoggerFactory.getLogger(PositionChecks.class);

  private final Tiers tiers;
  private final GatewayMetrics metrics;
  private final Map<String, LocalChannel> channels;
  private final int changesPageSize;
  private final int batchSize;
  private final double refreshShare;
  private final ArrayDeque<LocalChannel> rotation = new ArrayDeque<>();
  /** Channels waiting for a batched position read, each once. */
  private final LinkedHashSet<LocalChannel> due = new LinkedHashSet<>();
  private final List<LocalChannel> failed = new ArrayList<>();
  private String cursor;
  private boolean asking;
  private boolean reading;
  private double refreshOwed;
  /** History answered that it has no changes feed (an older history tier): every channel reads alone. */
  private boolean noFeed;

  /** {@code roundMs}: how often {@link #round} runs. */
  PositionChecks(Tiers tiers, GatewayMetrics metrics, Map<String, LocalChannel> channels, long roundMs,
                 int changesPageSize, int batchSize, long epochRefreshMs) {
    this.tiers = tiers;
    this.metrics = metrics;
    this.channels = channels;
    this.changesPageSize = changesPageSize;
    this.batchSize = batchSize;
    this.refreshShare = Math.min(1.0, (double) roundMs / epochRefreshMs);
  }

  void opened(LocalChannel ch) {
    rotation.addLast(ch);
  }

  /** A read of {@code ch} failed, or may have missed a hint: it is read again at the next round. */
  void failed(LocalChannel ch) {
    failed.add(ch);
  }

  /** Asks for a cursor at once, while the node holds no channel yet: an incomplete answer then costs nothing. */
  void start() {
    askChanges();
  }

  /**
   * Reads every channel's position now, in batches: after this node was cut off from the cluster, the
   * changes feed cannot be trusted to cover what its channels missed meanwhile.
   */
  void all() {
    due.addAll(channels.values());
    readNextBatch();
  }

  void round() {
    if (!asking) {
      askChanges();
    }
    if (noFeed) {
      channels.values().forEach(LocalChannel::checkPosition);
    }
    due.addAll(failed);
    failed.clear();
    owedRefreshes();
    readNextBatch();
  }

  private void askChanges() {
    asking = true;
    tiers.changes(new ChangesRead(cursor, changesPageSize)).onComplete(ar -> {
      asking = false;
      if (ar.failed()) {
        // never answered: either not deployed yet or a history tier from before the feed, which only
        // per-channel reads can check; once it was there, its absence is an outage, not an old version
        if (cursor == null && !noFeed && ar.cause() instanceof ReplyException re
            && re.failureType() == ReplyFailure.NO_HANDLERS) {
          LOG.info("No history instance answers the changes feed yet; each channel's position is read at each "
              + "check until one does");
          noFeed = true;
        }
        // the cursor stays: the next round asks for the same changes again
        return;
      }
      noFeed = false;
      apply(ar.result());
    });
  }

  private void apply(ChannelChanges changes) {
    if (!changes.complete() && !channels.isEmpty()) {
      LOG.info("History could not say what changed since {}: reading the positions of all {} channels, {} at a time",
          cursor == null ? "this node started" : "its last answer", channels.size(), batchSize);
      metrics.fullPositionCheck();
      due.addAll(channels.values());
      readNextBatch();
    }
    cursor = changes.cursor();
    for (ChannelPosition p : changes.changes()) {
      LocalChannel ch = channels.get(p.channel());
      if (ch != null) {
        ch.hint(p.epoch(), p.offset());
      }
    }
    if (changes.more()) {
      askChanges();
    }
  }

  /** A share of the rotation each round, so every channel is read once per refresh period. */
  private void owedRefreshes() {
    refreshOwed += rotation.size() * refreshShare;
    while (refreshOwed >= 1 && !rotation.isEmpty()) {
      refreshOwed--;
      LocalChannel ch = rotation.pollFirst();
      if (channels.get(ch.name()) == ch) {
        due.add(ch);
        rotation.addLast(ch);
      }
    }
    if (rotation.isEmpty()) {
      refreshOwed = 0;
    }
  }

  /** One batch in flight at a time; the next goes when it is answered, so a full check comes in slices. */
  private void readNextBatch() {
    if (reading) {
      return;
    }
    List<LocalChannel> batch = new ArrayList<>(Math.min(batchSize, due.size()));
    var it = due.iterator();
    while (it.hasNext() && batch.size() < batchSize) {
      LocalChannel ch = it.next();
      it.remove();
      if (ch.isReady() && channels.get(ch.name()) == ch) {
        batch.add(ch);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    reading = true;
    List<String> names = new ArrayList<>(batch.size());
    batch.forEach(ch -> names.add(ch.name()));
    tiers.positions(new PositionsRead(names)).onComplete(ar -> {
      reading = false;
      if (ar.failed()) {
        failed.addAll(batch);
      } else {
        metrics.positionsRead(batch.size());
        hintAll(ar.result());
      }
      readNextBatch();
    });
  }

  private void hintAll(Positions positions) {
    for (ChannelPosition p : positions.positions()) {
      LocalChannel ch = channels.get(p.channel());
      if (ch != null) {
        ch.hint(p.epoch(), p.offset());
      }
    }
  }
}
