package io.rtgw.connection.internal;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import java.lang.reflect.Field;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an upgraded WebSocket connection small outbound queues. Vert.x 5 gives every connection an
 * outbound message queue backed by Netty's MPSC queue, which allocates a chunk of 1,024 slots up front
 * (4 KB with compressed pointers), and an upgraded WebSocket keeps two connections (the HTTP one it came
 * from and its own): a large part of an idle connection (bench/README.md has the figures), for queues
 * that on the event loop only ever hold the one message being written. A queue with 16-slot chunks grows the same way under load
 * and allocates no more per write (a new chunk every 16 writes instead of a 64× larger one every 1,024).
 *
 * <p>Vert.x offers no setting for it, so the queue is swapped by reflection into Vert.x implementation
 * classes, kept to this one place. It runs on the connection's event loop right after the upgrade, when
 * both queues are empty and nothing else writes; if the classes ever change shape the startup
 * self-check of {@link VertxInternals} fails and the gateway works as before, with bigger connections.
 */
final class OutboundQueues {

  private static final Logger LOG = LoggerFactory.getLogger(OutboundQueues.class);
  private static final Field WS_CONNECTION;
  private static final Field CONNECTION_QUEUE;
  private static final Field MESSAGE_QUEUE;
  private static final Field QUEUE;

  static {
    Field[] fields = new Field[4];
    try {
      fields[0] = field("io.vertx.core.http.impl.WebSocketImplBase", "conn");
      fields[1] = field("io.vertx.core.net.impl.VertxConnection", "outboundMessageQueue");
      fields[2] = field("io.vertx.core.internal.concurrent.OutboundMessageQueue", "mqp");
      fields[3] = field("io.vertx.core.streams.impl.MessagePassingQueue", "queue");
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Vert.x's outbound queue classes are not as expected: {}", e.toString());
      fields = new Field[4];
    }
    WS_CONNECTION = fields[0];
    CONNECTION_QUEUE = fields[1];
    MESSAGE_QUEUE = fields[2];
    QUEUE = fields[3];
  }

  private OutboundQueues() {
  }

  /** True when the Vert.x classes have the shape this was written for. */
  static boolean available() {
    return QUEUE != null;
  }

  /** Shrinks the queues of {@code ws} and of the HTTP connection it was upgraded from; true if both were. */
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
    Object o = ws;
    for (int depth = 0; depth < 3 && !WS_CONNECTION.getDeclaringClass().isInstance(o); depth++) {
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
    if (!(queue instanceof Queue<?> q) || !q.isEmpty()) {
      return false;
    }
    QUEUE.set(messages, new ConcurrentLinkedQueue<>());
    return true;
  }

  private static Field field(String className, String name) throws ReflectiveOperationException {
    Field f = Class.forName(className).getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
