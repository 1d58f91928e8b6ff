package io.rtgw.deploy.fault;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A client that stays subscribed to one channel across drops, as a real one does: when its connection
 * ends (node killed, drained, or dropped on purpose) it waits a moment and resumes from its position on
 * another connection node. Each subscriber runs on an event-loop context of its own, so its state needs
 * no locks; what it received is in {@link #delivered()}.
 */
abstract class Subscriber {

  final Vertx vertx;
  final Context context;
  final String channel;
  final String user;
  private final List<Integer> ports;
  private final long minDelayMs;
  private final long maxDelayMs;
  private final Delivered delivered = new Delivered();
  private final Promise<Void> firstSubscribed = Promise.promise();
  private volatile boolean closed;
  private volatile int port;
  private Consumer<JsonObject> presenceListener = f -> { };

  Subscriber(Vertx vertx, String channel, String user, List<Integer> ports, long minDelayMs, long maxDelayMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.channel = channel;
    this.user = user;
    this.ports = List.copyOf(ports);
    this.minDelayMs = minDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  /** Connects to {@code port} first; completes once the first subscription is confirmed. */
  Future<Void> start(int port) {
    this.port = port;
    context.runOnContext(v -> open(port));
    return firstSubscribed.future();
  }

  /** Ends the current connection abruptly, as a network failure would; the subscriber resumes elsewhere. */
  void drop() {
    context.runOnContext(v -> abort());
  }

  /** Stops for good. */
  void close() {
    closed = true;
    context.runOnContext(v -> abort());
  }

  Delivered delivered() {
    return delivered;
  }

  /** The node the subscriber is on (or last tried). */
  int port() {
    return port;
  }

  /** Join and leave frames (WebSocket only), on the subscriber's event loop. */
  Subscriber onPresence(Consumer<JsonObject> listener) {
    this.presenceListener = listener;
    return this;
  }

  /** Connects to {@code port} and subscribes from the current position (none at first). */
  abstract void open(int port);

  /** Closes the current connection without any goodbye; must lead to {@link #ended()} (or call it). */
  abstract void abort();

  /** The transport's name, for figures. */
  abstract String transport();

  final void subscribed() {
    delivered.connected();
    firstSubscribed.tryComplete();
  }

  final void presence(JsonObject frame) {
    presenceListener.accept(frame);
  }

  /** The connection is gone, for whatever reason: resume on another node after a pause. */
  final void ended() {
    if (closed) {
      return;
    }
    long delay = minDelayMs + (maxDelayMs > minDelayMs ? ThreadLocalRandom.current().nextLong(maxDelayMs - minDelayMs) : 0);
    vertx.setTimer(Math.max(1, delay), t -> {
      if (!closed) {
        port = another(port);
        open(port);
      }
    });
  }

  /** A random connection node other than {@code current} (the same one if it is the only one). */
  private int another(int current) {
    if (ports.size() == 1) {
      return ports.get(0);
    }
    while (true) {
      int p = ports.get(ThreadLocalRandom.current().nextInt(ports.size()));
      if (p != current) {
        return p;
      }
    }
  }

  boolean isClosed() {
    return closed;
  }
}
