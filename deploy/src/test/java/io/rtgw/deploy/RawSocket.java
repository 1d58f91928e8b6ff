package io.rtgw.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain TCP client for input no HTTP or WebSocket library would send: bytes written as given, a byte at
 * a time, or not at all, and everything the server answers read back raw. Blocking, for the test thread.
 */
final class RawSocket implements AutoCloseable {

  private final Socket socket;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  RawSocket(int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setTcpNoDelay(true);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the bytes; false when the server had already closed the connection. */
  boolean write(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  boolean write(String ascii) {
    return write(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Reads until the server closes the connection (EOF or reset) or {@code timeoutMs} pass; true when it
   * closed. What arrived meanwhile is in {@link #received()}.
   */
  boolean awaitClosed(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    try {
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      while (true) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) left);
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          return false;
        }
        if (n < 0) {
          return true;
        }
        received.write(buf, 0, n);
      }
    } catch (SocketException reset) {
      return true;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads until what arrived ends with {@code suffix}, the server closes, or {@code timeoutMs} pass. */
  String readUntil(String suffix, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    try {
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      while (!received().endsWith(suffix)) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          break;
        }
        socket.setSoTimeout((int) left);
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        received.write(buf, 0, n);
      }
    } catch (SocketTimeoutException | SocketException e) {
      // what arrived is what there is
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return received();
  }

  /** Reads what arrives within {@code timeoutMs} (or until the server closes). */
  String readFor(long timeoutMs) {
    awaitClosed(timeoutMs);
    return received();
  }

  String received() {
    return received.toString(StandardCharsets.ISO_8859_1);
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
