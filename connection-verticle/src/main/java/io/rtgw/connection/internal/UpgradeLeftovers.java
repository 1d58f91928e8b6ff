package io.rtgw.connection.internal;

import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Vert.x keeps of a WebSocket's upgrade for the socket's whole life, let go once the connection is
 * set up. Measured with 10,000 identified WebSockets: about 1 KB of a connection's 8.2 KB of live heap.
 *
 * <ul>
 *   <li>The pipeline's handler keeps the function that made the WebSocket's connection, which holds
 *       the upgraded HTTP request, and through it its response, their headers, Netty's request and the
 *       HTTP connection it came on. The function runs once, when the handler is added: cleared after.
 *   <li>The WebSocket keeps the upgrade request's headers for {@code headers()}. The gateway reads them
 *       while the connection is set up (the connect hook, the origin); once it is, they are replaced by
 *       one shared empty map.
 * </ul>
 *
 * Both reach into private fields: when Vert.x's classes are not shaped as expected, nothing is done.
 */
final class UpgradeLeftovers {

  private static final Logger LOG = LoggerFactory.getLogger(UpgradeLeftovers.class);
  private static final Field CONNECTION_FACTORY;
  private static final Method SET_HEADERS;
  /** Read-only in practice: nothing writes to the headers of an open WebSocket. */
  private static final MultiMap NO_HEADERS = MultiMap.caseInsensitiveMultiMap();

  static {
    Field factory = null;
    Method headers = null;
    try {
      factory = Class.forName("io.vertx.core.net.impl.VertxHandler").getDeclaredField("connectionFactory");
      factory.setAccessible(true);
      headers = Class.forName("io.vertx.core.http.impl.WebSocketImplBase").getDeclaredMethod("headers", MultiMap.class);
      headers.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Vert.x's WebSocket classes are not as expected: {}", e.toString());
      factory = null;
      headers = null;
    }
    CONNECTION_FACTORY = factory;
    SET_HEADERS = headers;
  }

  private UpgradeLeftovers() {
  }

  /** Lets go of the upgrade's request (see the class comment); on the WebSocket's event loop, after the upgrade. */
  static void releaseRequest(ServerWebSocket ws) {
    if (CONNECTION_FACTORY == null) {
      return;
    }
    try {
      if (!(OutboundQueues.unwrapped(ws, io.vertx.core.internal.http.WebSocketInternal.class)
          instanceof io.vertx.core.internal.http.WebSocketInternal internal)) {
        return;
      }
      io.netty.channel.ChannelHandlerContext ctx = internal.channelHandlerContext();
      Object handler = ctx.pipeline().get("handler");
      if (handler != null && CONNECTION_FACTORY.getDeclaringClass().isInstance(handler)) {
        CONNECTION_FACTORY.set(handler, null);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Could not clear the upgrade's connection factory: {}", e.toString());
    }
  }

  /** Replaces the WebSocket's copy of the upgrade headers with a shared empty map, once nothing reads them. */
  static void releaseHeaders(ServerWebSocket ws) {
    if (SET_HEADERS == null) {
      return;
    }
    try {
      Object impl = OutboundQueues.unwrapped(ws, SET_HEADERS.getDeclaringClass());
      if (SET_HEADERS.getDeclaringClass().isInstance(impl)) {
        SET_HEADERS.invoke(impl, NO_HEADERS);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("Could not drop the upgrade's headers: {}", e.toString());
    }
  }
}
