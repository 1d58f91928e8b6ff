package io.rtgw.connection;

import io.rtgw.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The channels this connection verticle has local subscribers for. A channel's bus address is registered
 * once, on its first subscriber, and unregistered when its last one leaves, so the clustered
 * subscription map holds one entry per node and channel, not per client.
 */
public final class ChannelHub {

  private final EventBus bus;
  private final Tiers tiers;
  private final Map<String, LocalChannel> channels = new HashMap<>();
  private final long timer;
  private final Vertx vertx;

  public ChannelHub(Vertx vertx, Tiers tiers, long positionCheckMs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.tiers = tiers;
    this.timer = vertx.setPeriodic(positionCheckMs, id -> checkPositions());
  }

  public Tiers tiers() {
    return tiers;
  }

  /**
   * Subscribes {@code s} live once the channel is ready, and returns the channel's position at that
   * moment: everything after it will reach {@code s}. With {@code catchUp}, live deliveries wait in the
   * subscription until it finishes catching up from history.
   */
  public Future<Position> attach(Subscription s, boolean catchUp) {
    LocalChannel ch = channels.computeIfAbsent(s.channel(), this::open);
    ch.attaching(1);
    return ch.ready().map(c -> {
      c.attaching(-1);
      if (s.detached()) {
        releaseIfUnused(c);
        return null;
      }
      if (catchUp) {
        s.startCatchUp();
      }
      c.add(s);
      return new Position(c.epoch(), c.last());
    }).onFailure(e -> {
      ch.attaching(-1);
      if (channels.get(ch.name()) == ch) {
        channels.remove(ch.name());
        ch.close();
      }
    });
  }

  public void detach(Subscription s) {
    s.markDetached();
    LocalChannel ch = channels.get(s.channel());
    if (ch != null) {
      ch.remove(s);
      releaseIfUnused(ch);
    }
  }

  /**
   * Like {@link #detach}, but a channel left without subscribers stays open until the next position
   * check: a long-polling client detaches after every reply and is back within moments, and reopening
   * would cost a bus registration (cluster-wide) and a history read each time.
   */
  public void detachLingering(Subscription s) {
    s.markDetached();
    LocalChannel ch = channels.get(s.channel());
    if (ch != null) {
      ch.remove(s);
    }
  }

  public int channelCount() {
    return channels.size();
  }

  public long deliveredCount() {
    long n = 0;
    for (LocalChannel ch : channels.values()) {
      n += ch.deliveredCount();
    }
    return n;
  }

  public Future<Void> close() {
    vertx.cancelTimer(timer);
    List<Future<Void>> closing = new ArrayList<>();
    for (LocalChannel ch : channels.values()) {
      closing.add(ch.close());
    }
    channels.clear();
    return Future.join(closing).mapEmpty();
  }

  /** A position a subscriber starts from. */
  public record Position(String epoch, long offset) {
  }

  private LocalChannel open(String name) {
    LocalChannel ch = new LocalChannel(name, tiers);
    ch.open(bus.consumer(Addresses.delivery(name)));
    return ch;
  }

  private void releaseIfUnused(LocalChannel ch) {
    // a channel with attaches still in flight is not unused: releasing it would strand them
    if (ch.isReady() && ch.size() == 0 && ch.attaching() == 0 && channels.get(ch.name()) == ch) {
      channels.remove(ch.name());
      ch.close();
    }
  }

  private void checkPositions() {
    for (LocalChannel ch : new ArrayList<>(channels.values())) {
      if (ch.isReady() && ch.size() == 0 && ch.attaching() == 0) {
        releaseIfUnused(ch);
      } else {
        ch.checkPosition();
      }
    }
  }
}
