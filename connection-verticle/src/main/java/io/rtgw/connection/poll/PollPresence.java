package io.rtgw.connection.poll;

import io.rtgw.connection.PresenceReporter;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.PresenceEntry;
import io.rtgw.connection.session.AccessRules;
import io.rtgw.protocol.config.PresenceConfig;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Presence of poll clients, who hold no connection: a client is present in a channel while it polls it
 * within the presence TTL, and leaves once it has not for that long. {@code client=} names the client
 * across polls; an identified client that gives none counts as one client per user.
 */
final class PollPresence {

  private static final Pattern CLIENT = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final PresenceReporter reporter;
  private final AccessRules rules;
  private final Map<PresenceEntry, Long> lastPolled = new HashMap<>();
  private final long ttlMs;
  private final long sweepTimer;
  private final Vertx vertx;

  PollPresence(Vertx vertx, PresenceReporter reporter, AccessRules rules, PresenceConfig config) {
    this.vertx = vertx;
    this.reporter = reporter;
    this.rules = rules;
    this.ttlMs = config.ttlMs();
    this.sweepTimer = vertx.setPeriodic(Math.max(50, Math.min(config.sweepMs(), ttlMs / 4)), id -> sweep());
  }

  /** Checks {@code client=}: letters, digits, '_' and '-', 1 to 64 of them. */
  static String client(String given, String user) {
    if (given == null) {
      return user == null ? null : "poll-" + user;
    }
    if (!CLIENT.matcher(given).matches()) {
      throw GatewayException.badRequest("The parameter 'client' is 1 to 64 characters of A-Z a-z 0-9 _ -.");
    }
    return given;
  }

  void polled(String user, String client, List<String> channels) {
    if (client == null) {
      return;
    }
    long now = System.currentTimeMillis();
    for (String channel : channels) {
      if (rules.listsPresence(channel, user)) {
        PresenceEntry e = new PresenceEntry(channel, user, client);
        if (lastPolled.put(e, now) == null) {
          reporter.join(e);
        }
      }
    }
  }

  int size() {
    return lastPolled.size();
  }

  void close() {
    vertx.cancelTimer(sweepTimer);
  }

  private void sweep() {
    long stale = System.currentTimeMillis() - ttlMs;
    List<PresenceEntry> gone = new ArrayList<>();
    lastPolled.forEach((e, at) -> {
      if (at < stale) {
        gone.add(e);
      }
    });
    for (PresenceEntry e : gone) {
      lastPolled.remove(e);
      reporter.leave(e);
    }
  }
}
