package io.rtgw.deploy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client that writes frames bit by bit as told (any opcode, reserved bits, masks, lengths,
 * fragments), for the frames no WebSocket library would send, and reads back what the server answers,
 * down to the close frame's code or a bare TCP close. Blocking, for the test thread.
 */
final class RawWebSocket implements AutoCloseable {

  static final int CONTINUATION = 0x0;
  static final int TEXT = 0x1;
  static final int BINARY = 0x2;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** What a server frame was. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final String handshake;

  private RawWebSocket(Socket socket, String handshake) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.handshake = handshake;
  }

  /** Opens {@code /ws?query} with a proper handshake; fails unless the server answers 101. */
  static RawWebSocket open(int port, String query) {
    RawWebSocket ws = handshake(port, "GET /ws" + (query == null ? "" : "?" + query) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n");
    if (!ws.handshake.startsWith("HTTP/1.1 101")) {
      throw new IllegalStateException("not upgraded: " + ws.handshake);
    }
    return ws;
  }

  /** Sends {@code request} as given and reads the answer's status line and headers. */
  static RawWebSocket handshake(int port, String request) {
    try {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      return new RawWebSocket(socket, head.toString(StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server's status line and headers. */
  String head() {
    return handshake;
  }

  int status() {
    String[] parts = handshake.split(" ", 3);
    return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
  }

  /** A whole frame: FIN set, masked as a client must, no reserved bits. */
  boolean send(int opcode, byte[] payload) {
    return frame(true, 0, opcode, true, payload);
  }

  boolean sendText(String text) {
    return send(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A frame exactly as described; false when the server had closed the connection already. */
  boolean frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xf));
    int maskBit = masked ? 0x80 : 0;
    if (payload.length < 126) {
      out.write(maskBit | payload.length);
    } else if (payload.length < 65536) {
      out.write(maskBit | 126);
      out.write(payload.length >>> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(maskBit | 127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
      }
    }
    byte[] body = payload.clone();
    if (masked) {
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      out.write(mask, 0, 4);
      for (int i = 0; i < body.length; i++) {
        body[i] ^= mask[i % 4];
      }
    }
    out.write(body, 0, body.length);
    return raw(out.toByteArray());
  }

  /** Bytes as given, framed or not. */
  boolean raw(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The next server frame within {@code timeoutMs}; null on a timeout or when the connection ended. */
  Frame read(long timeoutMs) {
    try {
      socket.setSoTimeout((int) Math.max(1, timeoutMs));
      int b0 = in.readUnsignedByte();
      int b1 = in.readUnsignedByte();
      long len = b1 & 0x7f;
      if (len == 126) {
        len = in.readUnsignedShort();
      } else if (len == 127) {
        len = in.readLong();
      }
      byte[] payload = new byte[(int) len];
      in.readFully(payload);
      return new Frame(b0 & 0x0f, payload);
    } catch (SocketTimeoutException | EOFException e) {
      return null;
    } catch (SocketException reset) {
      return null;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads frames until a close frame, the end of the connection or {@code timeoutMs}: the close code, or
   * -1 when the connection ended without a close frame (a bare TCP close), or 0 on a timeout.
   */
  int awaitClose(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return 0;
      }
      Frame f = read(left);
      if (f == null) {
        return ended() ? -1 : 0;
      }
      if (f.opcode() == CLOSE) {
        return f.closeCode();
      }
    }
  }

  /** True when the server closed the TCP connection. */
  boolean ended() {
    try {
      socket.setSoTimeout(200);
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing: nothing left to do
    }
  }
}
