package io.rtgw.connection.internal;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import java.lang.reflect.Field;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an upgraded WebSocket's connection a small outbound queue. Vert.x 5 gives
 * every connection an outbound message queue backed by Netty's MPSC queue, which allocates a chunk of
 * 1,024 slots up front (4 KB with compressed pointers), and an upgraded WebSocket keeps two connections
 * (the HTTP one it came from and its own): a large part of an idle connection (bench/README.md has the
 * figures), for queues that on the event loop only ever hold the one message being written. A linked
 * queue grows the same way under load and allocates one node per write instead of a 4 KB chunk up front.
 *
 * <p>Vert.x offers no setting for it, so the queue is swapped by reflection into Vert.x implementation
 * classes, kept to this one place. A swap is safe only where no drain of the queue is running: Vert.x's
 * drain polls an element (the queue is then empty) and keeps it counted in the queue's work-in-progress
 * count until the write returns, and a keep-alive connection can be handed its next request from inside
 * that write; a queue swapped there could strand what is added next. A WebSocket's own connection is
 * swapped right after the upgrade (it is new and unused), and only while the work-in-progress count and
 * the drain depth are 0 on the connection's event loop, which is the queue's idle state; a burst of 2 MB
 * past the socket's buffers still arrives whole (OutboundQueuesTest).
 *
 * <p>Plain HTTP connections are not swapped: the client server runs Vert.x's strict thread mode
 * ({@code HttpServerOptions.setStrictThreadMode}), in which an HTTP/1.1 connection has no outbound message
 * queue at all and writes go straight to Netty; only the WebSocket's own connection still gets one. (Swapped
 * as they opened, before their first request, a keep-alive connection answering 400 KB chunked responses one
 * after another once hung 2 of 10 runs with a response stranded in the queue; the cause was not found.) If
 * the classes ever change shape the startup self-check of {@link VertxInternals} fails and the gateway works
 * as before, with bigger connections.
 */
final class OutboundQueues {

  private static final Logger LOG = LoggerFactory.getLogger(OutboundQueues.class);
  private static final Field WS_CONNECTION;
  private static final Field CONNECTION_QUEUE;
  private static final Field MESSAGE_QUEUE;
  private static final Field QUEUE;
  private static final Field WORK_IN_PROGRESS;
  private static final Field DRAINING;

  static {
    Field[] fields = new Field[6];
    try {
      fields[0] = field("io.vertx.core.http.impl.WebSocketImplBase", "conn");
      fields[1] = field("io.vertx.core.net.impl.VertxConnection", "outboundMessageQueue");
      fields[2] = field("io.vertx.core.internal.concurrent.OutboundMessageQueue", "mqp");
      fields[3] = field("io.vertx.core.streams.impl.MessagePassingQueue", "queue");
      fields[4] = field("io.vertx.core.streams.impl.MessagePassingQueue$MpSc", "wip");
      fields[5] = field("io.vertx.core.internal.concurrent.OutboundMessageQueue", "draining");
      if (fields[4].getType() != long.class || fields[5].getType() != int.class) {
        throw new IllegalStateException("the drain state fields changed type");
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Vert.x's outbound queue classes are not as expected: {}", e.toString());
      fields = new Field[6];
    }
    WS_CONNECTION = fields[0];
    CONNECTION_QUEUE = fields[1];
    MESSAGE_QUEUE = fields[2];
    QUEUE = fields[3];
    WORK_IN_PROGRESS = fields[4];
    DRAINING = fields[5];
  }

  private OutboundQueues() {
  }

  /** True when the Vert.x classes have the shape this was written for. */
  static boolean available() {
    return QUEUE != null;
  }

  /**
   * Shrinks the queue of an HTTP connection, unless a write is under way on it; true if it was, or already
   * is, small. Not used on the HTTP connections the gateway serves (see the class comment); kept for the
   * idle check the WebSocket swap relies on, which its test drives through here.
   */
  static boolean shrink(HttpConnection opened) {
    if (QUEUE == null) {
      return false;
    }
    try {
      return shrinkConnection(opened);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Could not shrink an HTTP connection's outbound queue", e);
      return false;
    }
  }

  /** True when the connection writes through a Vert.x outbound message queue (strict thread mode gives it none). */
  static boolean queued(HttpConnection connection) throws ReflectiveOperationException {
    return MESSAGE_QUEUE.getDeclaringClass().isInstance(CONNECTION_QUEUE.get(connection));
  }

  /**
   * The WebSocket's own outbound queue and its message queue, for {@link #idleQuietly}; null when the
   * WebSocket's connection has no such queue.
   */
  static Object[] queueOf(ServerWebSocket ws) throws ReflectiveOperationException {
    if (QUEUE == null) {
      return null;
    }
    Object connection = WS_CONNECTION.get(unwrapped(ws));
    if (!CONNECTION_QUEUE.getDeclaringClass().isInstance(connection)) {
      return null;
    }
    Object outbound = CONNECTION_QUEUE.get(connection);
    if (!MESSAGE_QUEUE.getDeclaringClass().isInstance(outbound)) {
      return null;
    }
    return new Object[] {outbound, MESSAGE_QUEUE.get(outbound)};
  }

  /** {@link #idle}, false where the fields cannot be read (they were read once already, so never). */
  static boolean idleQuietly(Object outbound, Object messages) {
    try {
      return idle(outbound, messages);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** Shrinks the queues of {@code ws} and of the HTTP connection it was upgraded from; true if both are. */
  static boolean shrink(ServerWebSocket ws, HttpConnection upgradedFrom) {
    if (QUEUE == null) {
      return false;
    }
    try {
      boolean own = shrinkConnection(WS_CONNECTION.get(unwrapped(ws)));
      boolean http = shrinkConnection(upgradedFrom);
      return own && http;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Could not shrink a WebSocket's outbound queues", e);
      return false;
    }
  }

  /** The web router hands out its own wrapper around Vert.x's WebSocket, which holds it as {@code delegate}. */
  private static Object unwrapped(ServerWebSocket ws) throws ReflectiveOperationException {
    return unwrapped(ws, WS_CONNECTION.getDeclaringClass());
  }

  /** {@code ws}, or the Vert.x WebSocket of class {@code impl} that the web router's wrapper holds. */
  static Object unwrapped(ServerWebSocket ws, Class<?> impl) throws ReflectiveOperationException {
    Object o = ws;
    for (int depth = 0; depth < 3 && !impl.isInstance(o); depth++) {
      Field delegate = o.getClass().getDeclaredField("delegate");
      delegate.setAccessible(true);
      o = delegate.get(o);
    }
    return o;
  }

  private static boolean shrinkConnection(Object connection) throws ReflectiveOperationException {
    if (!CONNECTION_QUEUE.getDeclaringClass().isInstance(connection)) {
      return false;
    }
    Object outbound = CONNECTION_QUEUE.get(connection);
    if (!MESSAGE_QUEUE.getDeclaringClass().isInstance(outbound)) {
      return false;
    }
    Object messages = MESSAGE_QUEUE.get(outbound);
    Object queue = QUEUE.get(messages);
    if (queue instanceof ConcurrentLinkedQueue<?>) {
      // swapped when the connection opened: a second swap would only add a window for a mistake
      return true;
    }
    if (!(queue instanceof Queue<?> q) || !q.isEmpty() || !idle(outbound, messages)) {
      return false;
    }
    QUEUE.set(messages, new ConcurrentLinkedQueue<>());
    return true;
  }

  /**
   * No message pending and no drain on the stack: Vert.x counts a message as work in progress from its
   * add until the write it was polled for returns, and counts nested drains; both 0 means no frame holds
   * the queue. Read on the connection's event loop, the only thread this gateway writes from.
   */
  private static boolean idle(Object outbound, Object messages) throws ReflectiveOperationException {
    return WORK_IN_PROGRESS.getLong(messages) == 0 && DRAINING.getInt(outbound) == 0;
  }

  private static Field field(String className, String name) throws ReflectiveOperationException {
    Field f = Class.forName(className).getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
