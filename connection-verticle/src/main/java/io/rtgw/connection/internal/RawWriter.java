package io.rtgw.connection.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Writes bytes already framed for the wire below every codec of an HTTP/1.1 connection, flushed like the
 * rest ({@link VertxInternals#rawWriter}). The caller answers for the framing and for ordering against
 * what Vert.x writes.
 */
public final class RawWriter {
  private final ChannelHandlerContext ctx;
  private final FlushConsolidationHandler coalescing;

  RawWriter(ChannelHandlerContext ctx, FlushConsolidationHandler coalescing) {
    this.ctx = ctx;
    this.coalescing = coalescing;
  }

  /**
   * True when the connection holds more unwritten bytes than its bound (the channel's high water mark,
   * which Vert.x's {@code setWriteQueueMaxSize} sets). Vert.x's own {@code writeQueueFull} counts only
   * what waits in Vert.x's queue, which raw writes never enter.
   */
  public boolean full() {
    return !ctx.channel().isWritable();
  }

  /** The pipeline written to, for what a caller must know of its handlers. */
  ChannelPipeline pipeline() {
    return ctx.pipeline();
  }

  /** Writes {@code framed} (released by Netty once written) and asks for a coalesced flush. */
  public void write(ByteBuf framed) {
    ctx.write(framed, ctx.voidPromise());
    try {
      coalescing.flush(ctx);
    } catch (Exception e) {
      ctx.flush();
    }
  }
}
