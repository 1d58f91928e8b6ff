package io.rtgw.connection.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes whole WebSocket text frames, header included, below Vert.x's WebSocket and Netty's frame encoder.
 * A delivery is framed once per node and the same bytes go to every subscriber; through Vert.x each write
 * wraps the bytes in a frame object, copies them into a buffer of its own and has the encoder copy them
 * again behind a header it allocates (about a fifth of the event loop's time for a direct message).
 *
 * <p>Only on plain connections without a compression extension (those must pass the extension's encoder),
 * and only when Vert.x holds nothing back: a write is raw while the channel is writable and the WebSocket's
 * outbound queue is empty with no drain under way, so it lands after everything Vert.x has written and
 * before anything it writes next; otherwise {@link #write} declines and the caller writes through Vert.x,
 * behind what Vert.x holds. Vert.x's own writes (pings, close frames) are untouched. The writes bypass the
 * idle-timeout handler, as pre-framed SSE chunks do: the pings the connection sends count for it.
 */
public final class WebSocketWire {

  private static final Logger LOG = LoggerFactory.getLogger(WebSocketWire.class);

  private final RawWriter raw;
  private final Object outbound;
  private final Object messages;
  private static final byte UNKNOWN = 0;
  private static final byte NONE = 1;
  private static final byte NEGOTIATED = 2;
  /** Whether a compression extension runs on the connection ({@link #plain}). */
  private byte extensions = UNKNOWN;

  private WebSocketWire(RawWriter raw, Object outbound, Object messages) {
    this.raw = raw;
    this.outbound = outbound;
    this.messages = messages;
  }

  /**
   * The wire of an upgraded WebSocket, or null: no {@link FlushCoalescing#rawWriter raw writer} for the
   * connection it was upgraded from (TLS, not tuned), or Vert.x classes not of the expected shape.
   */
  static WebSocketWire of(ServerWebSocket ws, HttpConnection upgradedFrom) {
    RawWriter raw = FlushCoalescing.rawWriter(upgradedFrom);
    if (raw == null) {
      return null;
    }
    try {
      Object[] queue = OutboundQueues.queueOf(ws);
      return queue == null ? null : new WebSocketWire(raw, queue[0], queue[1]);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("No raw frames for a WebSocket: {}", e.toString());
      return null;
    }
  }

  /**
   * Writes {@code frame} (a whole unmasked frame, see {@link #textFrame}) and asks for a coalesced flush;
   * false, with nothing written, when Vert.x holds something back or the channel is not writable.
   * Called on the connection's event loop.
   */
  public boolean write(byte[] frame) {
    if (!plain() || raw.full() || !OutboundQueues.idleQuietly(outbound, messages)) {
      return false;
    }
    raw.write(Unpooled.wrappedBuffer(frame));
    return true;
  }

  /**
   * True once the connection is known to run without an extension. Netty's extension handler adds the
   * negotiated extension's encoder only once the 101 response is written, which can be after the upgrade
   * completes: while the handler is still there nothing is known and frames go through Vert.x.
   */
  private boolean plain() {
    if (extensions == UNKNOWN) {
      ChannelPipeline pipeline = raw.pipeline();
      if (pipeline.get(WebSocketServerExtensionHandler.class) != null) {
        return false;
      }
      extensions = pipeline.get(WebSocketExtensionEncoder.class) == null ? NONE : NEGOTIATED;
    }
    return extensions == NONE;
  }

  /** A final, unmasked text frame (RFC 6455 5.2) around {@code payload}: the header, then the bytes. */
  public static byte[] textFrame(byte[] payload) {
    int n = payload.length;
    int header = textHeaderLength(n);
    byte[] frame = new byte[header + n];
    writeTextHeader(frame, n);
    System.arraycopy(payload, 0, frame, header, n);
    return frame;
  }

  /** The header's length for a payload of {@code payload} bytes: the length in the shortest form RFC 6455 allows. */
  public static int textHeaderLength(int payload) {
    return payload < 126 ? 2 : payload <= 0xFFFF ? 4 : 10;
  }

  /** FIN, the text opcode and the payload's length at the start of {@code frame}; no mask (server to client). */
  public static void writeTextHeader(byte[] frame, int payload) {
    frame[0] = (byte) 0x81;
    if (payload < 126) {
      frame[1] = (byte) payload;
    } else if (payload <= 0xFFFF) {
      frame[1] = 126;
      frame[2] = (byte) (payload >>> 8);
      frame[3] = (byte) payload;
    } else {
      frame[1] = 127;
      long len = payload;
      for (int i = 0; i < 8; i++) {
        frame[2 + i] = (byte) (len >>> (56 - 8 * i));
      }
    }
  }

}
