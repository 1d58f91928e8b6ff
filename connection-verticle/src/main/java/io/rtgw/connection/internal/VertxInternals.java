package io.rtgw.connection.internal;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every use of Vert.x and Netty implementation classes by the connection tier, behind one switch
 * ({@code http.vertxInternals}). They make writes cheaper and idle connections smaller: frames and
 * SSE events over bytes encoded once per node instead of once per subscriber, one flush per event-loop
 * turn, pre-framed HTTP/1.1 chunks, small outbound queues. None is needed for correctness: with the
 * switch off, or where the startup self-check finds the classes changed, only public APIs are used.
 */
public final class VertxInternals {

  private static final Logger LOG = LoggerFactory.getLogger(VertxInternals.class);

  private final boolean on;

  private VertxInternals(boolean on) {
    this.on = on;
  }

  /** The internals when {@code wanted} and the self-check passes; the public-API fallback otherwise. */
  public static VertxInternals create(boolean wanted) {
    if (!wanted) {
      LOG.info("Vert.x internals off (http.vertxInternals = false): public APIs only");
      return new VertxInternals(false);
    }
    String failed = selfCheck();
    if (failed != null) {
      LOG.warn("Vert.x internals off: {}; the gateway works with public APIs only, at a higher cost per write",
          failed);
      return new VertxInternals(false);
    }
    return new VertxInternals(true);
  }

  /** Null when every class and member used here is there with the expected shape, else what is not. */
  static String selfCheck() {
    try {
      WebSocketFrame f = new WebSocketFrameImpl(WebSocketFrameType.TEXT, new byte[] {'x'}, true);
      if (!"x".equals(f.textData())) {
        return "WebSocketFrameImpl does not read the bytes it is given";
      }
      Buffer b = BufferInternal.buffer(Unpooled.wrappedBuffer(new byte[] {'y'}));
      if (b.length() != 1) {
        return "BufferInternal does not wrap a ByteBuf";
      }
      ConnectionBase.class.getMethod("channelHandlerContext");
      io.vertx.core.http.impl.Http1xServerConnection.class.getName();
      if (!OutboundQueues.available()) {
        return "Vert.x's outbound queue classes are not as expected";
      }
      return null;
    } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
      return e.toString();
    }
  }

  public boolean enabled() {
    return on;
  }

  /** Tunes a client connection as it arrives: one flush per event-loop turn instead of one per write. */
  public void tune(HttpConnection connection) {
    if (on) {
      FlushCoalescing.install(connection);
    }
  }

  /** Gives an upgraded WebSocket (and the connection it came from, unless already done) small outbound queues. */
  public void shrinkQueues(ServerWebSocket ws, HttpConnection upgradedFrom) {
    if (on) {
      OutboundQueues.shrink(ws, upgradedFrom);
    }
  }

  /** After the upgrade, on the WebSocket's loop: Vert.x lets go of the upgraded request ({@link UpgradeLeftovers}). */
  public void releaseUpgradeRequest(ServerWebSocket ws) {
    if (on) {
      UpgradeLeftovers.releaseRequest(ws);
    }
  }

  /** Once nothing reads the upgrade's headers any more: the WebSocket's copy goes ({@link UpgradeLeftovers}). */
  public void releaseUpgradeHeaders(ServerWebSocket ws) {
    if (on) {
      UpgradeLeftovers.releaseHeaders(ws);
    }
  }

  /**
   * A writer of pre-framed HTTP/1.1 chunks below Vert.x's encoder, or null: internals off, TLS, HTTP/2, or
   * a connection not {@link #tune tuned}.
   */
  public RawWriter rawWriter(HttpConnection connection) {
    return on ? FlushCoalescing.rawWriter(connection) : null;
  }

  /**
   * A writer of whole text frames below Vert.x's WebSocket ({@link WebSocketWire}), or null: internals
   * off, TLS, or a connection not {@link #tune tuned}. It declines frames on a connection that negotiated
   * a compression extension. Call after the upgrade.
   */
  public WebSocketWire webSocketWire(ServerWebSocket ws, HttpConnection upgradedFrom) {
    return on ? WebSocketWire.of(ws, upgradedFrom) : null;
  }

  /**
   * Makes a refused frame answer with its close frame from inside the pipeline (see {@link BreachCloser});
   * false where that is not done (internals off), and the connection sends it itself, best effort.
   */
  public boolean closeFramesOnBreach(HttpConnection upgradedFrom) {
    return on && BreachCloser.install(upgradedFrom);
  }

  /**
   * Drops a connection now, with what it still holds unsent. With the internals: a reset (SO_LINGER 0 on
   * Netty's channel), which frees Vert.x's queue, Netty's and the kernel's send buffer at once, since
   * Vert.x's own close (its closing timeout's too) is a write queued behind the rest, which a peer that
   * never reads never lets through. Without them only that close is left: the socket and its bytes stay
   * until the peer reads or goes, or TCP gives up on it.
   */
  public void abort(HttpConnection connection) {
    aborter(connection).run();
  }

  /**
   * What {@link #abort} does to {@code connection}, to run later. With the internals it holds only Netty's
   * channel, which the open WebSocket holds anyway: the connection a WebSocket was upgraded from keeps its
   * HTTP request, response and their headers (about 2 KB), and a WebSocket lives for hours.
   */
  public Runnable aborter(HttpConnection connection) {
    if (on && connection instanceof ConnectionBase base) {
      io.netty.channel.Channel channel = base.channelHandlerContext().channel();
      return () -> {
        if (channel.isOpen()) {
          channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
          // below the pipeline: Vert.x's handler turns a pipeline close into a write queued behind the rest
          channel.unsafe().close(channel.voidPromise());
        }
      };
    }
    return connection::close;
  }

  /** A text frame over UTF-8 bytes shared by many connections: wrapped, not copied or re-encoded. */
  public WebSocketFrame textFrame(byte[] utf8) {
    return on ? new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true)
        : WebSocketFrame.textFrame(new String(utf8, StandardCharsets.UTF_8), true);
  }

  /** A buffer over bytes shared by many responses: wrapped, not copied. */
  public Buffer shared(byte[] bytes) {
    return on ? BufferInternal.buffer(Unpooled.wrappedBuffer(bytes)) : Buffer.buffer(bytes);
  }
}
