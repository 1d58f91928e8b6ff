package io.rtgw.connection.events;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.ConnectionEntry;
import io.rtgw.protocol.ConnectionReport;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This connection instance's side of the connection registry: opens, closes and local occupancy changes
 * gathered for {@code events.batchMs} (or until {@code events.maxBatch}) and sent as one
 * {@link ConnectionReport}, like presence reports. What cancels out within a batch is not sent: a client
 * that came and went, a channel that emptied and filled again.
 */
final class ConnectionReporter {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionReporter.class);

  private final Vertx vertx;
  private final String node;
  private final String holder;
  private final long batchMs;
  private final int maxBatch;
  private Map<String, ConnectionEntry> opened = new LinkedHashMap<>();
  private Set<String> closed = new LinkedHashSet<>();
  private Set<String> occupied = new LinkedHashSet<>();
  private Set<String> vacated = new LinkedHashSet<>();
  private long timer = -1;

  ConnectionReporter(Vertx vertx, String node, String holder, long batchMs, int maxBatch) {
    this.vertx = vertx;
    this.node = node;
    this.holder = holder;
    this.batchMs = batchMs;
    this.maxBatch = maxBatch;
  }

  void opened(ConnectionEntry e) {
    opened.put(e.client(), e);
    schedule();
  }

  void closed(String client) {
    if (opened.remove(client) == null) {
      closed.add(client);
      schedule();
    }
  }

  void occupied(String channel) {
    if (!vacated.remove(channel)) {
      occupied.add(channel);
      schedule();
    }
  }

  void vacated(String channel) {
    if (!occupied.remove(channel)) {
      vacated.add(channel);
      schedule();
    }
  }

  /** Sends what is pending now (a stopping instance's last report). */
  void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (opened.isEmpty() && closed.isEmpty() && occupied.isEmpty() && vacated.isEmpty()) {
      return;
    }
    ConnectionReport report = new ConnectionReport(node, holder, new ArrayList<>(opened.values()),
        List.copyOf(closed), List.copyOf(occupied), List.copyOf(vacated));
    opened = new LinkedHashMap<>();
    closed = new LinkedHashSet<>();
    occupied = new LinkedHashSet<>();
    vacated = new LinkedHashSet<>();
    try {
      vertx.eventBus().send(Addresses.CONNECTION_REPORT, report);
    } catch (RuntimeException e) {
      LOG.debug("Connection report not sent: {}", e.getMessage());
    }
  }

  private void schedule() {
    if (opened.size() + closed.size() + occupied.size() + vacated.size() >= maxBatch) {
      flush();
    } else if (timer < 0) {
      timer = vertx.setTimer(batchMs, id -> {
        timer = -1;
        flush();
      });
    }
  }
}
