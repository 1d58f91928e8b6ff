package io.rtgw.bench.probe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's stop-the-world pauses, read from its {@code -Xlog:safepoint:file=...:timemillis} log: every GC
 * pause and every other VM operation that stops all threads, the event loop among them. A line is written
 * as the safepoint ends, so a pause runs from its stamp minus its total to its stamp.
 */
public final class SafepointLog {

  private static final Pattern LINE = Pattern.compile("^\\[(\\d+)ms\\].*Safepoint \"([^\"]+)\".*Total: (\\d+) ns");

  /** One stop-the-world pause (epoch ms) and what the VM did in it. */
  public record Pause(double fromEpochMs, double toEpochMs, String operation) {
    public double ms() {
      return toEpochMs - fromEpochMs;
    }
  }

  private SafepointLog() {
  }

  public static List<Pause> read(Path log) throws IOException {
    List<Pause> pauses = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      Matcher m = LINE.matcher(line);
      if (m.find()) {
        double end = Long.parseLong(m.group(1));
        pauses.add(new Pause(end - Long.parseLong(m.group(3)) / 1e6, end, m.group(2)));
      }
    }
    return pauses;
  }

  /** How much of {@code [from, to]} (epoch ms) the pauses covered. */
  public static double overlapMs(List<Pause> pauses, double from, double to) {
    double covered = 0;
    for (Pause p : pauses) {
      covered += Math.max(0, Math.min(to, p.toEpochMs()) - Math.max(from, p.fromEpochMs()));
    }
    return covered;
  }
}
