package io.rtgw.connection;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.Message;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.RouteChanges;
import io.rtgw.protocol.RouteLease;
import io.rtgw.protocol.config.DeliveryConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node-addressed delivery for the node-routed namespaces (personal channels): this connection instance's
 * one bus consumer, on {@link Addresses#node} of its instance id, registered once at start, and the
 * routes in history that tell fanout to send a channel's deliveries here. Opening a channel costs a route
 * in history (batched: one request per instance per {@code delivery.routeBatchMs}, one in flight at a
 * time, so a remove and a later add of a channel are stored in that order), never a cluster-wide
 * registration. A lease, refreshed every {@code delivery.routeLeaseMs} with one request whatever the
 * number of routes, keeps the routes live; one found expired (this instance was frozen, history lost its
 * state) has all routes asserted again, and what was lost meanwhile the tail check brings.
 */
final class NodeDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(NodeDelivery.class);
  /** The most route changes one request carries: a re-assert of 100,000 routes goes in pieces. */
  static final int MAX_BATCH = 1_000;

  private final Vertx vertx;
  private final EventBus bus;
  private final String instance;
  private final String node;
  private final long batchMs;
  private final long leaseTtlMs;
  private final DeliveryOptions options;
  private final io.rtgw.connection.metrics.GatewayMetrics metrics = io.rtgw.connection.metrics.GatewayMetrics.current();
  private final Function<String, LocalChannel> channels;
  private final MessageConsumer<Object> consumer;
  private final long leaseTimer;
  /** The channels this instance wants routed: what a re-assert stores again. */
  private final Set<String> routed = new HashSet<>();
  /** The last route batch's number. */
  private long lastSeq;
  private final Map<String, Promise<Void>> toAdd = new LinkedHashMap<>();
  private final Set<String> toRemove = new LinkedHashSet<>();
  private boolean leased;
  private boolean inFlight;
  private long batchTimer = -1;
  private boolean closed;

  /**
   * {@code instance}: unique per start (node id, a dot, the instance's number); {@code channels} finds the
   * open channel a delivery is for (null: none here any more, the delivery is dropped).
   */
  NodeDelivery(Vertx vertx, String instance, String node, DeliveryConfig delivery,
               Function<String, LocalChannel> channels) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.instance = instance;
    this.node = node;
    this.batchMs = delivery.routeBatchMs();
    this.leaseTtlMs = delivery.routeLeaseTtlMs();
    this.options = new DeliveryOptions().setSendTimeout(delivery.requestTimeoutMs());
    this.channels = channels;
    this.consumer = bus.consumer(Addresses.node(instance), m -> dispatch(m.body()));
    this.leaseTimer = vertx.setPeriodic(delivery.routeLeaseMs(), id -> refreshLease());
  }

  String instance() {
    return instance;
  }

  /** Completes once the instance's address is registered: a route to it is worth storing from then. */
  Future<Void> started() {
    return consumer.completion().onSuccess(v -> refreshLease());
  }

  /**
   * Stores a route of {@code channel} to this instance; the future completes once history holds it, after
   * which every append to the channel is sent here (the caller reads the position only then).
   */
  Future<Void> add(String channel) {
    routed.add(channel);
    toRemove.remove(channel);
    Promise<Void> stored = toAdd.computeIfAbsent(channel, c -> Promise.promise());
    schedule();
    return stored.future();
  }

  /** Removes {@code channel}'s route: the channel has no subscribers here any more. */
  void remove(String channel) {
    routed.remove(channel);
    Promise<Void> waiting = toAdd.remove(channel);
    if (waiting != null) {
      waiting.tryFail("the channel was closed before its route was stored");
    }
    // a route stored by an earlier batch may exist: removing one that does not is harmless
    toRemove.add(channel);
    schedule();
  }

  int routeCount() {
    return routed.size();
  }

  Future<Void> close() {
    closed = true;
    vertx.cancelTimer(leaseTimer);
    if (batchTimer != -1) {
      vertx.cancelTimer(batchTimer);
    }
    // failing an open closes its channel, which removes from toAdd: not while iterating it
    List<Promise<Void>> waiting = new ArrayList<>(toAdd.values());
    toAdd.clear();
    waiting.forEach(p -> p.tryFail("the connection tier is stopping"));
    // the routes left behind end with the lease, or at the next append to each channel
    return consumer.unregister();
  }

  private void dispatch(Object body) {
    if (body instanceof Message m) {
      LocalChannel ch = channels.apply(m.channel());
      if (ch != null) {
        ch.onDelivery(m);
      }
    } else if (body instanceof PresenceEvent e) {
      LocalChannel ch = channels.apply(e.channel());
      if (ch != null) {
        ch.onPresence(e);
      }
    }
  }

  private void schedule() {
    if (batchTimer == -1 && !inFlight && !closed) {
      batchTimer = vertx.setTimer(batchMs, id -> {
        batchTimer = -1;
        flush();
      });
    }
  }

  private void flush() {
    if (inFlight || closed || (toAdd.isEmpty() && toRemove.isEmpty())) {
      return;
    }
    if (!leased) {
      // a route without a live lease would be skipped by the first append: take the lease first
      inFlight = true;
      refreshLease().onComplete(ar -> {
        inFlight = false;
        if (leased) {
          flush();
        } else {
          failWaiting(ar.failed() ? ar.cause() : new IllegalStateException("no lease"));
        }
      });
      return;
    }
    List<String> removes = take(toRemove.iterator(), MAX_BATCH);
    Map<String, Promise<Void>> adds = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, Promise<Void>>> it = toAdd.entrySet().iterator();
         it.hasNext() && adds.size() + removes.size() < MAX_BATCH; ) {
      Map.Entry<String, Promise<Void>> e = it.next();
      adds.put(e.getKey(), e.getValue());
      it.remove();
    }
    inFlight = true;
    RouteChanges batch = new RouteChanges(instance, nextSeq(), new ArrayList<>(adds.keySet()), removes);
    bus.request(Addresses.HISTORY_ROUTES, batch, options)
        .onComplete(ar -> {
          inFlight = false;
          if (ar.succeeded()) {
            adds.values().forEach(Promise::tryComplete);
            schedule();
            return;
          }
          LOG.warn("Instance {}: could not store {} routes and remove {} in history: {}", instance, adds.size(),
              removes.size(), ar.cause().getMessage());
          metrics.routeFailures(adds.size() + removes.size());
          // an open waiting for its route fails (its channel closes and leaves routed), and so does one
          // queued while this request waited: it would wait for the next open, close or lease refresh,
          // past the request timeout its client was promised. A route being stored again after the lease
          // lapsed has nobody waiting and must not be forgotten.
          // a channel can be in both (stored again by a lease re-assert while its open was in flight):
          // both promises fail
          List<Promise<Void>> failed = new ArrayList<>(adds.values());
          failed.addAll(toAdd.values());
          Set<String> again = new LinkedHashSet<>(adds.keySet());
          again.addAll(toAdd.keySet());
          toAdd.clear();
          failed.forEach(p -> p.tryFail(ar.cause()));
          again.stream().filter(routed::contains).forEach(c -> toAdd.computeIfAbsent(c, x -> Promise.promise()));
          // a route left behind would cost a delivery sent here for nothing
          removes.stream().filter(c -> !routed.contains(c)).forEach(toRemove::add);
          // tried again with the next open or close, or at the next lease refresh: no loop while history is down
        });
  }

  /**
   * From the clock, not from 1: an instance id used again in the same process (a redeploy) must not
   * start below the batches it sent before. Below 2^52, so the Redis store's score (2 seq + 1) is exact.
   */
  private long nextSeq() {
    lastSeq = Math.max(lastSeq + 1, System.currentTimeMillis() << 10);
    return lastSeq;
  }

  private static List<String> take(Iterator<String> it, int most) {
    List<String> out = new ArrayList<>();
    while (it.hasNext() && out.size() < most) {
      out.add(it.next());
      it.remove();
    }
    return out;
  }

  private void failWaiting(Throwable cause) {
    List<Promise<Void>> waiting = new ArrayList<>(toAdd.values());
    toAdd.clear();
    waiting.forEach(p -> p.tryFail(cause));
    schedule();
  }

  /**
   * One request per interval whatever the number of routes. A lease that had lapsed may have had routes
   * skipped and removed by appends meanwhile: all of this instance's routes are stored again.
   */
  private Future<Boolean> refreshLease() {
    if (closed) {
      return Future.succeededFuture(false);
    }
    boolean first = !leased;
    return bus.<Boolean>request(Addresses.HISTORY_LEASE, new RouteLease(instance, node, leaseTtlMs), options)
        .map(io.vertx.core.eventbus.Message::body)
        .onSuccess(live -> {
          leased = true;
          if (!toAdd.isEmpty() || !toRemove.isEmpty()) {
            schedule();
          }
          if (!live && !first && !routed.isEmpty()) {
            LOG.info("Instance {}: its route lease had expired; storing its {} routes again", instance, routed.size());
            for (String channel : routed) {
              toAdd.computeIfAbsent(channel, c -> Promise.promise());
            }
            schedule();
          }
        })
        .onFailure(e -> LOG.debug("Instance {}: route lease not refreshed: {}", instance, e.getMessage()));
  }
}
