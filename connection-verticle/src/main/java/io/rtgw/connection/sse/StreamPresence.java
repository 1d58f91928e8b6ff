package io.rtgw.connection.sse;

import io.rtgw.connection.PresenceReporter;
import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;

/** An open stream keeps its identified user present in the stream's channels that have presence on. */
final class StreamPresence {

  private final PresenceReporter reporter;
  private final List<PresenceEntry> entries = new ArrayList<>();

  StreamPresence(PresenceReporter reporter, GatewayConfig config, String user, String client, List<String> channels) {
    this.reporter = reporter;
    if (user != null) {
      for (String channel : channels) {
        if (config.namespaceOf(channel).presence()) {
          entries.add(new PresenceEntry(channel, user, client));
        }
      }
    }
  }

  void joined() {
    entries.forEach(reporter::join);
  }

  void left() {
    entries.forEach(reporter::leave);
  }
}
