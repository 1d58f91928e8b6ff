package io.rtgw.connection;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.config.DeliveryConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The channels this connection verticle has local subscribers for. A channel's bus address is registered
 * once, on its first subscriber, and unregistered when its last one leaves, so the clustered
 * subscription map holds one entry per node and channel, not per client. A channel of a node-routed
 * namespace (personal channels) registers nothing on the bus: it stores a route to this instance in
 * history and its deliveries come through the instance's one address ({@link NodeDelivery}).
 */
public final class ChannelHub {

  private final EventBus bus;
  private final Tiers tiers;
  private final Map<String, LocalChannel> channels = new HashMap<>();
  private final long timer;
  private final Vertx vertx;
  private final io.rtgw.connection.metrics.GatewayMetrics metrics = io.rtgw.connection.metrics.GatewayMetrics.current();
  private final int fillPageSize;
  private final PositionChecks checks;
  /**
   * Channels left without subscribers (a long poll between two polls, or an attach still in flight):
   * released at the next round unless one is back. A set: a poll client detaches after every reply.
   */
  private final Set<LocalChannel> lingering = new LinkedHashSet<>();
  /** Null when no namespace is node-routed here (tests that build a hub alone). */
  private final NodeDelivery nodes;
  private final Predicate<String> nodeRouted;
  /**
   * The requests an open may wait on in turn, each bounded by the request timeout: a route batch in
   * flight, the channel's own batch (or its bus registration), the position read.
   */
  static final int OPEN_REQUESTS = 3;
  /** Leeway past the sum of the request timeouts, so that a request's own timeout answers first. */
  static final long OPEN_MARGIN_MS = 1_000;
  private final long openDeadlineMs;

  /** With the delivery settings' defaults but the round and the fill page ({@link #ChannelHub(Vertx, Tiers, DeliveryConfig)}). */
  public ChannelHub(Vertx vertx, Tiers tiers, long positionCheckMs, int fillPageSize) {
    this(vertx, tiers, new DeliveryConfig(null, positionCheckMs, null, fillPageSize, null, null, null, null, null, null, null, null, null));
  }

  /**
   * {@code delivery}: {@code positionCheckMs} is the round of the tail check, {@code catchUpPageSize} the
   * most messages one gap-filling read of a channel asks for; the changes page, the position batch and the
   * epoch refresh period shape the check ({@link PositionChecks}).
   */
  public ChannelHub(Vertx vertx, Tiers tiers, DeliveryConfig delivery) {
    this(vertx, tiers, delivery, null, null, channel -> false);
  }

  /**
   * With node-addressed delivery for the channels {@code nodeRouted} names: {@code instance} is this
   * connection instance's id, unique per start, {@code node} its cluster node's.
   */
  public ChannelHub(Vertx vertx, Tiers tiers, DeliveryConfig delivery, String instance, String node,
                    Predicate<String> nodeRouted) {
    this.nodeRouted = nodeRouted;
    this.nodes = instance == null ? null : new NodeDelivery(vertx, instance, node, delivery, channels::get);
    this.vertx = vertx;
    this.fillPageSize = delivery.catchUpPageSize();
    this.openDeadlineMs = OPEN_REQUESTS * delivery.requestTimeoutMs() + delivery.routeBatchMs() + OPEN_MARGIN_MS;
    this.bus = vertx.eventBus();
    this.tiers = tiers;
    this.checks = new PositionChecks(tiers, metrics, channels, delivery.positionCheckMs(), delivery.changesPageSize(),
        delivery.positionBatchSize(), delivery.epochRefreshMs());
    this.timer = vertx.setPeriodic(delivery.positionCheckMs(), id -> round());
    checks.start();
  }

  public Tiers tiers() {
    return tiers;
  }

  /** Completes once this instance's own delivery address is registered (at once without one). */
  public Future<Void> started() {
    return nodes == null ? Future.succeededFuture() : nodes.started();
  }

  /** A subscription of {@code sink} to {@code channel}, not attached yet: see {@link #resume}. */
  public Subscription subscription(String channel, Sink sink) {
    LocalChannel open = channels.get(channel);
    // the open channel's name: one string per channel, not a copy per subscriber (each frame or request
    // decodes its own)
    return new Subscription(open != null ? open.name() : channel, sink);
  }

  /**
   * Attaches {@code s} live, holding deliveries back, and positions it after {@code since} (null: at the
   * live position); history is read in pages of at most {@code pageSize} messages. The answer says what
   * to tell the client and runs the catch-up ({@link Resume}); it is
   * null when {@code s} was detached meanwhile. A failure (the channel could not be opened, or history not
   * read) leaves {@code s} detached.
   */
  public Future<Resume> resume(Subscription s, Position since, int pageSize) {
    LocalChannel ch = channels.computeIfAbsent(s.channel(), this::open);
    ch.attaching(1);
    return ch.ready().transform(ar -> {
      ch.attaching(-1);
      if (ar.failed()) {
        if (channels.get(ch.name()) == ch) {
          channels.remove(ch.name());
          metrics.channels(-1);
          closeChannel(ch);
        }
        s.markDetached();
        return Future.failedFuture(ar.cause());
      }
      if (s.detached()) {
        releaseIfUnused(ch);
        return Future.succeededFuture();
      }
      s.hold();
      ch.add(s);
      s.attached = true;
      metrics.subscribed(1);
      Position live = new Position(ch.epoch(), ch.last());
      if (since == null || since.equals(live)) {
        s.startAt(since == null ? live : since);
        if (since != null) {
          metrics.resumed(true);
        }
        return Future.succeededFuture(Resume.live(s, tiers, pageSize, live));
      }
      return tiers.read(new HistoryRead(s.channel(), since, pageSize)).transform(read -> {
        if (s.detached()) {
          return Future.succeededFuture();
        }
        if (read.failed()) {
          detach(s);
          return Future.failedFuture(read.cause());
        }
        s.startAt(Resume.startOf(since, read.result()));
        metrics.resumed(read.result().recovered());
        return Future.succeededFuture(Resume.fromPage(s, tiers, pageSize, read.result()));
      });
    });
  }

  public void detach(Subscription s) {
    unattached(s);
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
    unattached(s);
    s.markDetached();
    LocalChannel ch = channels.get(s.channel());
    if (ch != null) {
      ch.remove(s);
      if (ch.size() == 0) {
        lingering.add(ch);
      }
    }
  }

  public int channelCount() {
    return channels.size();
  }

  public Future<Void> close() {
    vertx.cancelTimer(timer);
    List<Future<Void>> closing = new ArrayList<>();
    for (LocalChannel ch : channels.values()) {
      metrics.channels(-1);
      closing.add(ch.close());
    }
    channels.clear();
    if (nodes != null) {
      closing.add(nodes.close());
    }
    return Future.join(closing).mapEmpty();
  }

  private void unattached(Subscription s) {
    if (s.attached) {
      s.attached = false;
      metrics.subscribed(-1);
    }
  }

  private LocalChannel open(String name) {
    metrics.channels(1);
    LocalChannel ch = new LocalChannel(name, tiers, fillPageSize, metrics, checks::failed);
    if (routedHere(name)) {
      ch.openRouted(nodes.add(name));
    } else {
      ch.open(bus.consumer(Addresses.delivery(name)));
    }
    // every step of an open is bounded (a route batch waits behind at most one in flight, then the
    // position read), so one still unsettled at the deadline is stuck: its subscribes get an answer
    long deadline = vertx.setTimer(openDeadlineMs, id -> {
      if (!ch.ready().isComplete()) {
        metrics.openTimedOut();
        ch.failOpen(new GatewayException(io.rtgw.protocol.ErrorCode.UNAVAILABLE, "Channel '" + name
            + "' could not be opened within " + openDeadlineMs + " ms; try again."));
      }
    });
    ch.ready().onComplete(ar -> vertx.cancelTimer(deadline));
    checks.opened(ch);
    return ch;
  }

  private void releaseIfUnused(LocalChannel ch) {
    if (ch.size() > 0 || channels.get(ch.name()) != ch) {
      return;
    }
    // a channel with attaches still in flight is not unused: releasing it would strand them
    if (ch.isReady() && ch.attaching() == 0) {
      channels.remove(ch.name());
      metrics.channels(-1);
      closeChannel(ch);
    } else {
      lingering.add(ch);
    }
  }

  private boolean routedHere(String channel) {
    return nodes != null && nodeRouted.test(channel);
  }

  private void closeChannel(LocalChannel ch) {
    ch.close();
    if (routedHere(ch.name())) {
      nodes.remove(ch.name());
    }
  }

  /**
   * Checks every channel against history now rather than at the next round: after this node merged back
   * into the cluster, its subscribers missed what was published meanwhile, and a gap fill brings it.
   */
  public void checkPositionsNow() {
    checks.all();
  }

  private void round() {
    if (!lingering.isEmpty()) {
      List<LocalChannel> left = new ArrayList<>(lingering);
      lingering.clear();
      left.forEach(this::releaseIfUnused);
    }
    checks.round();
  }
}
