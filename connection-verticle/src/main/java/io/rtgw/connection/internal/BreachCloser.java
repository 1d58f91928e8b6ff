package io.rtgw.connection.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Sends the close frame of a frame Netty's decoder refused, right behind the decoder. Vert.x hands such a
 * failure to the WebSocket's handler through its inbound queue, so when the bad frame came in the same
 * read as a good one, the handler would only see it after Vert.x had already dropped the connection, and
 * the client got a bare TCP close instead of 1002 and a reason.
 */
final class BreachCloser extends ChannelInboundHandlerAdapter {

  static final String NAME = "rtgw-breach-closer";
  /** Close reasons are at most 123 bytes (RFC 6455 5.5). */
  private static final int MAX_REASON = 120;

  private boolean sent;

  /** Installs it behind the WebSocket frame decoder; false where there is none to sit behind. */
  static boolean install(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return false;
    }
    ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
    ChannelHandlerContext decoder = pipeline.context(WebSocketFrameDecoder.class);
    if (decoder == null) {
      return false;
    }
    if (pipeline.get(NAME) == null) {
      pipeline.addAfter(decoder.name(), NAME, new BreachCloser());
    }
    return true;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException c && !sent && ctx.channel().isActive()) {
      sent = true;
      String reason = "protocol error: " + c.getMessage();
      // from the tail, so it passes the frame encoder wherever that sits
      ctx.channel().writeAndFlush(new CloseWebSocketFrame(c.closeStatus().code(),
          reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason));
    }
    ctx.fireExceptionCaught(cause);
  }
}
