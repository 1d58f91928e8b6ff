package io.rtgw.connection.ws;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Whole messages out of a WebSocket's data frames, in place of Vert.x's aggregator, which decodes text
 * leniently (invalid UTF-8 becomes replacement characters that would then be stored) and runs before any
 * frame handler could object. A text message must be valid UTF-8 (RFC 6455 8.1: else close 1007); a
 * message past the size bound closes 1009. One connection, one event loop.
 */
final class WsMessages {

  /** What a connection does with a whole message, or with one it must refuse. */
  interface Receiver {
    void text(String text);

    void binary();

    void refuse(short code, String reason);
  }

  /** Decoders are not thread-safe; one per event-loop thread serves every connection on it. */
  private static final ThreadLocal<CharsetDecoder> STRICT_UTF8 = ThreadLocal.withInitial(() ->
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT));

  private final int maxBytes;
  private final Receiver receiver;
  /** The fragments of a message in progress; null between messages. */
  private Buffer partial;
  private boolean partialIsText;
  private boolean done;

  WsMessages(int maxBytes, Receiver receiver) {
    this.maxBytes = maxBytes;
    this.receiver = receiver;
  }

  /** For {@code ServerWebSocket.frameHandler}: control frames are Vert.x's and are let pass. */
  void frame(WebSocketFrame frame) {
    if (done) {
      return;
    }
    switch (frame.type()) {
      case TEXT, BINARY -> {
        if (partial != null) {
          refuse(CloseCodes.PROTOCOL_ERROR, "a new message began before the fragmented one ended");
        } else if (frame.isFinal()) {
          whole(frame.type() == io.vertx.core.http.WebSocketFrameType.TEXT, frame.binaryData());
        } else {
          partialIsText = frame.type() == io.vertx.core.http.WebSocketFrameType.TEXT;
          partial = Buffer.buffer().appendBuffer(frame.binaryData());
          checkSize(partial.length());
        }
      }
      case CONTINUATION -> {
        // Netty's decoder has refused a continuation with no message in progress already
        if (partial == null) {
          return;
        }
        partial.appendBuffer(frame.binaryData());
        if (checkSize(partial.length()) && frame.isFinal()) {
          Buffer message = partial;
          partial = null;
          whole(partialIsText, message);
        }
      }
      default -> {
      }
    }
  }

  private boolean checkSize(int length) {
    if (length > maxBytes) {
      refuse(CloseCodes.TOO_BIG, "message larger than " + maxBytes + " bytes");
      return false;
    }
    return true;
  }

  private void whole(boolean text, Buffer message) {
    if (!checkSize(message.length())) {
      return;
    }
    if (!text) {
      receiver.binary();
      return;
    }
    String decoded;
    try {
      decoded = STRICT_UTF8.get().reset().decode(ByteBuffer.wrap(message.getBytes())).toString();
    } catch (CharacterCodingException e) {
      refuse(CloseCodes.INVALID_DATA, "text frame is not valid UTF-8");
      return;
    }
    receiver.text(decoded);
  }

  private void refuse(short code, String reason) {
    done = true;
    partial = null;
    receiver.refuse(code, reason);
  }
}
