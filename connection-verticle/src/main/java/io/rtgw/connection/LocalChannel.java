package io.rtgw.connection;

import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.PresenceEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel as one connection node sees it: its local subscriptions, the last offset delivered to them,
 * and the gap healing that turns the at-most-once, possibly reordered bus into an in-order stream with
 * no holes: a delivery past {@code last + 1} waits while the missing range is read from history.
 */
final class LocalChannel {

  private static final Logger LOG = LoggerFactory.getLogger(LocalChannel.class);

  private final String name;
  private final Tiers tiers;
  /** Most messages one gap-filling read asks for; a longer gap takes several reads. */
  private final int pageSize;
  private final io.rtgw.connection.metrics.GatewayMetrics metrics;
  private final Promise<LocalChannel> readyPromise = Promise.promise();
  /** Sized for one: a node holds one channel per identified user, most with a single subscriber. */
  private final List<Subscription> subscriptions = new ArrayList<>(1);
  /** Deliveries ahead of the position, by offset; created by the first one (most channels never need it). */
  private TreeMap<Long, Message> pending;
  private final List<Subscription> detachedWhileDelivering = new ArrayList<>();
  private MessageConsumer<Object> consumer;
  private String epoch;
  private long last;
  private boolean ready;
  private boolean filling;
  private boolean delivering;
  private int attaching;
  /** The highest offset history said it holds, in this epoch, that no delivery or fill brought yet. */
  private long hinted;
  /** Told when a read against history failed, so that the channel is checked again at the next round. */
  private final Consumer<LocalChannel> failedCheck;

  LocalChannel(String name, Tiers tiers, int pageSize, io.rtgw.connection.metrics.GatewayMetrics metrics,
               Consumer<LocalChannel> failedCheck) {
    this.metrics = metrics;
    this.failedCheck = failedCheck;
    this.name = name;
    this.tiers = tiers;
    this.pageSize = pageSize;
  }

  String name() {
    return name;
  }

  Future<LocalChannel> ready() {
    return readyPromise.future();
  }

  boolean isReady() {
    return ready;
  }

  String epoch() {
    return epoch;
  }

  /** The last offset delivered to local subscribers: a fresh subscriber is positioned here. */
  long last() {
    return last;
  }

  int size() {
    return subscriptions.size();
  }

  /** Counts subscriptions waiting for this channel to be ready. */
  void attaching(int delta) {
    attaching += delta;
  }

  int attaching() {
    return attaching;
  }

  /**
   * Listens on the channel's delivery address, then learns the current position from history. The order
   * matters: once the consumer is registered cluster-wide nothing published later can be missed, and what
   * arrives before the position is known waits in {@code pending}.
   */
  void open(MessageConsumer<Object> consumer) {
    this.consumer = consumer;
    consumer.handler(m -> {
      if (m.body() instanceof Message message) {
        onDelivery(message);
      } else if (m.body() instanceof PresenceEvent event) {
        onPresence(event);
      }
    });
    openWhen(consumer.completion());
  }

  /**
   * The same for a node-routed channel, whose deliveries come through this instance's own address
   * ({@link NodeDelivery}): {@code routed} completes once history holds the channel's route, after which
   * every append is sent here, so the position is read only then.
   */
  void openRouted(Future<Void> routed) {
    openWhen(routed);
  }

  private void openWhen(Future<Void> listening) {
    listening
        .compose(v -> tiers.read(new HistoryRead(name, null, 0)))
        .onSuccess(page -> {
          if (readyPromise.future().isComplete()) {
            // given up on meanwhile ({@link #failOpen}): the channel is closed, its subscribers answered
            return;
          }
          epoch = page.epoch();
          last = page.offset();
          ready = true;
          drainPending();
          readyPromise.complete(this);
        })
        .onFailure(readyPromise::tryFail);
  }

  /**
   * Gives up on an open that has not settled: every subscribe waiting on it is answered with
   * {@code cause} rather than left waiting on a route or a registration that never answers. Nothing
   * when the open has settled.
   */
  void failOpen(Throwable cause) {
    readyPromise.tryFail(cause);
  }

  Future<Void> close() {
    subscriptions.forEach(Subscription::markDetached);
    subscriptions.clear();
    pending = null;
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  void add(Subscription s) {
    subscriptions.add(s);
  }

  void remove(Subscription s) {
    s.markDetached();
    if (delivering) {
      detachedWhileDelivering.add(s);
    } else {
      subscriptions.remove(s);
    }
  }

  void onDelivery(Message m) {
    if (!ready) {
      pending().put(m.offset(), m);
      return;
    }
    if (!m.epoch().equals(epoch)) {
      // history lost its state: what came before is gone, the new epoch is read from its start
      resetTo(m.epoch(), 0);
    }
    if (m.offset() <= last) {
      return;
    }
    if (m.offset() == last + 1) {
      deliver(m);
      drainPending();
    } else {
      pending().put(m.offset(), m);
      fill();
    }
  }

  /** Presence events are not sequenced: they go to the subscribers as they come. */
  void onPresence(PresenceEvent event) {
    if (ready) {
      fanOut(new Outbound(event));
    }
  }

  /**
   * History holds {@code offset} in {@code epoch} (from the changes feed or a batched position read):
   * if that is past what was delivered, a delivery was lost and the missing range is read. The hint may
   * be older than a delivery that came meanwhile; in another epoch only a fresh read can tell which of
   * the two is newer.
   */
  void hint(String hintEpoch, long offset) {
    if (!ready) {
      return;
    }
    if (!hintEpoch.equals(epoch)) {
      checkPosition();
      return;
    }
    if (offset > last) {
      hinted = Math.max(hinted, offset);
      fill();
    }
  }

  /** Reads the channel's position from history: catches deliveries lost after the last one that arrived. */
  void checkPosition() {
    if (!ready) {
      return;
    }
    if (filling) {
      // the read under way may predate what the caller learned: check again at the next round
      failedCheck.accept(this);
      return;
    }
    tiers.read(new HistoryRead(name, null, 0)).onComplete(ar -> {
      if (ar.failed()) {
        failedCheck.accept(this);
        return;
      }
      HistoryPage page = ar.result();
      if (!page.epoch().equals(epoch)) {
        resetTo(page.epoch(), 0);
      }
      if (page.offset() > last) {
        hint(page.epoch(), page.offset());
      }
    });
  }

  private TreeMap<Long, Message> pending() {
    if (pending == null) {
      pending = new TreeMap<>();
    }
    return pending;
  }

  private void drainPending() {
    while (pending != null && !pending.isEmpty()) {
      Map.Entry<Long, Message> first = pending.firstEntry();
      Message m = first.getValue();
      if (!m.epoch().equals(epoch) || m.offset() <= last) {
        pending.pollFirstEntry();
      } else if (m.offset() == last + 1) {
        pending.pollFirstEntry();
        deliver(m);
      } else {
        fill();
        return;
      }
    }
  }

  private void fill() {
    if (filling) {
      return;
    }
    filling = true;
    long wanted = pending == null || pending.isEmpty() ? pageSize : Math.min(pageSize, pending.firstKey() - last - 1);
    long before = last;
    tiers.read(new HistoryRead(name, new Position(epoch, last), (int) Math.max(1, wanted)))
        .onComplete(ar -> {
          filling = false;
          if (ar.failed()) {
            LOG.warn("Channel {}: could not read history to fill a gap after offset {}; retrying at the next "
                + "position check: {}", name, last, ar.cause().getMessage());
            failedCheck.accept(this);
            return;
          }
          metrics.gapFilled(ar.result().messages().size());
          applyFill(ar.result());
          if (last > before) {
            drainPending();
          }
          if (hinted <= last) {
            hinted = 0;
          } else if (last > before) {
            // a hint that came while this read was under way may lie past what it found
            fill();
          } else {
            failedCheck.accept(this);
          }
        });
  }

  private void applyFill(HistoryPage page) {
    if (!page.epoch().equals(epoch)) {
      resetTo(page.epoch(), 0);
      return;
    }
    if (!page.recovered() && !page.messages().isEmpty()) {
      // the missing range is no longer retained: say so, then go on from what is
      long resumeAt = page.messages().get(0).offset() - 1;
      if (resumeAt > last) {
        resetTo(epoch, resumeAt);
      }
    }
    for (Message m : page.messages()) {
      if (m.offset() == last + 1) {
        deliver(m);
      }
    }
  }

  /** One subscriber's failure must not keep the message from the others. */
  private void deliverTo(Subscription s, Outbound out) {
    try {
      s.deliver(out);
    } catch (RuntimeException e) {
      LOG.warn("Channel {}: delivery to one subscriber failed; the others still get it", name, e);
    }
  }

  private void resetTo(String newEpoch, long offset) {
    hinted = 0;
    LOG.info("Channel {}: continuity lost (epoch {} -> {}, offset {} -> {})", name, epoch, newEpoch, last, offset);
    epoch = newEpoch;
    last = offset;
    for (Subscription s : subscriptions) {
      s.reset(newEpoch, offset);
    }
  }

  private void deliver(Message m) {
    metrics.deliveryLatency(m.ts());
    last = m.offset();
    fanOut(new Outbound(m));
  }

  private void fanOut(Outbound out) {
    delivering = true;
    try {
      for (int i = 0, n = subscriptions.size(); i < n; i++) {
        deliverTo(subscriptions.get(i), out);
      }
    } finally {
      delivering = false;
      if (!detachedWhileDelivering.isEmpty()) {
        subscriptions.removeAll(detachedWhileDelivering);
        detachedWhileDelivering.clear();
      }
    }
  }
}
