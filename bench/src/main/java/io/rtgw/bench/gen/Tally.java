package io.rtgw.bench.gen;

import java.nio.ByteBuffer;
import java.util.Base64;
import org.HdrHistogram.Histogram;

/** What one generator process received since the last reset: count, last arrival, latency histogram. */
final class Tally {

  /** Up to an hour in microseconds, three significant digits. */
  private Histogram latencyMicros = new Histogram(3_600_000_000L, 3);
  long received;
  long published;
  long lastDeliveryNanos;

  void delivered(long sentNanos) {
    long now = System.nanoTime();
    received++;
    lastDeliveryNanos = now;
    if (sentNanos > 0 && now >= sentNanos) {
      latencyMicros.recordValue(Math.min((now - sentNanos) / 1000, 3_600_000_000L));
    }
  }

  void reset(boolean latencyOnly) {
    latencyMicros = new Histogram(3_600_000_000L, 3);
    if (latencyOnly) {
      return;
    }
    received = 0;
    published = 0;
    lastDeliveryNanos = 0;
  }

  String encodedHistogram() {
    ByteBuffer buf = ByteBuffer.allocate(latencyMicros.getNeededByteBufferCapacity());
    int n = latencyMicros.encodeIntoCompressedByteBuffer(buf);
    byte[] out = new byte[n];
    buf.flip();
    buf.get(out);
    return Base64.getEncoder().encodeToString(out);
  }
}
