package io.rtgw.connection.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Coalesces a connection's flushes per event-loop turn. Vert.x flushes every frame (or SSE chunk)
 * written outside the connection's own read, and a fan-out writes from a bus handler, so each delivery
 * to each subscriber was one system call. With this handler at the head of the pipeline a flush outside a read is put off
 * to a task behind the ones already queued on the loop, so deliveries that arrive together leave in one
 * write. Each bus delivery is its own task, so under a burst "behind the queued ones" can mean behind the
 * whole burst: {@link #MAX_PENDING_FLUSHES} bounds how many frames wait before a flush, which bounds the
 * added latency. Slow-consumer detection is unaffected: unflushed bytes count against the channel's
 * writability like queued ones. The channel is reached through Vert.x's connection class (the web router
 * wraps the WebSocket itself), kept to this one place.
 */
final class FlushCoalescing {

  /** 16 frames per write already cut the write calls of a burst sixteenfold; more only adds latency. */
  static final int MAX_PENDING_FLUSHES = 16;
  private static final String NAME = "rtgw-flush-coalescing";

  private FlushCoalescing() {
  }

  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base && base.channelHandlerContext().pipeline().get(NAME) == null) {
      base.channelHandlerContext().pipeline().addFirst(NAME, new FlushConsolidationHandler(MAX_PENDING_FLUSHES, true));
    }
  }

  /**
   * Bytes already framed for the wire, written below every codec of the connection and flushed like the
   * rest; null when the connection has no coalescing handler, runs TLS (raw bytes would skip the
   * encryption) or HTTP/2 (which frames its own data). The caller answers for the framing and for
   * ordering against what Vert.x writes.
   */
  static RawWriter rawWriter(HttpConnection connection) {
    if (!(connection instanceof Http1xServerConnection base) || connection.isSsl()) {
      return null;
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    ChannelHandlerContext ctx = pipeline.context(NAME);
    if (ctx == null || pipeline.get(SslHandler.class) != null) {
      return null;
    }
    return new RawWriter(ctx, (FlushConsolidationHandler) ctx.handler());
  }
}
