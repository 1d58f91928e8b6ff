package io.rtgw.connection.session;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.connection.Sink;
import io.rtgw.connection.events.LifecycleEvents;
import io.rtgw.connection.events.ServerSide;

/** Opens client sessions for the transports of one connection verticle, each with a fresh client id. */
public final class Sessions {

  private final ChannelHub hub;
  private final AccessRules rules;
  private final PresenceReporter presence;
  private final ClientIds clientIds = new ClientIds();
  private final LifecycleEvents lifecycle;

  public Sessions(ChannelHub hub, AccessRules rules, PresenceReporter presence) {
    this(hub, rules, presence, null);
  }

  public Sessions(ChannelHub hub, AccessRules rules, PresenceReporter presence, LifecycleEvents lifecycle) {
    this.lifecycle = lifecycle;
    this.hub = hub;
    this.rules = rules;
    this.presence = presence;
  }

  public AccessRules rules() {
    return rules;
  }

  public ClientSession open(Identity identity, Sink sink, ClientSession.Options options) {
    return new ClientSession(clientIds.next(), identity, sink, hub, rules, presence, options);
  }

  /**
   * A session of a connection (WebSocket, SSE stream) that lifecycle events tell of: connected now,
   * disconnected when it closes; {@code control} carries out the control API's actions on it.
   */
  public ClientSession open(Identity identity, Sink sink, ClientSession.Options options, String transport,
                            ServerSide control) {
    if (lifecycle == null || !lifecycle.enabled()) {
      return open(identity, sink, options);
    }
    ClientSession s = new ClientSession(clientIds.next(), identity, sink, hub, rules, presence, options, lifecycle);
    lifecycle.connected(s, transport, control);
    return s;
  }
}
