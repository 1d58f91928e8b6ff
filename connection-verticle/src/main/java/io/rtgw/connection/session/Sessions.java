package io.rtgw.connection.session;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.connection.Sink;
import io.rtgw.connection.events.LifecycleEvents;
import io.rtgw.connection.events.ServerSide;
import io.rtgw.connection.hooks.Hooks;

/** Opens client sessions for the transports of one connection verticle, each with a fresh client id. */
public final class Sessions {

  private final ChannelHub hub;
  private final AccessRules rules;
  private final PresenceReporter presence;
  private final Hooks hooks;
  private final LifecycleEvents lifecycle;

  public Sessions(ChannelHub hub, AccessRules rules, PresenceReporter presence, Hooks hooks) {
    this(hub, rules, presence, hooks, null);
  }

  public Sessions(ChannelHub hub, AccessRules rules, PresenceReporter presence, Hooks hooks, LifecycleEvents lifecycle) {
    this.hub = hub;
    this.rules = rules;
    this.presence = presence;
    this.hooks = hooks;
    this.lifecycle = lifecycle;
  }

  public Hooks hooks() {
    return hooks;
  }

  /** A fresh client id, for a client the connect hook is asked about before its session opens. */
  public String nextClientId() {
    return hooks.nextClientId();
  }

  public AccessRules rules() {
    return rules;
  }

  public ClientSession open(Identity identity, Sink sink, ClientSession.Options options) {
    return open(nextClientId(), identity, sink, options);
  }

  public ClientSession open(String clientId, Identity identity, Sink sink, ClientSession.Options options) {
    return new ClientSession(clientId, identity, sink, hub, rules, presence, options, hooks, null);
  }

  /**
   * A session of a connection (WebSocket, SSE stream) that lifecycle events tell of: connected now,
   * disconnected when it closes; {@code control} carries out the control API's actions on it.
   */
  public ClientSession open(Identity identity, Sink sink, ClientSession.Options options, String transport,
                            ServerSide control) {
    return open(nextClientId(), identity, sink, options, transport, control);
  }

  /** As above, with the client id the connect hook was asked about. */
  public ClientSession open(String clientId, Identity identity, Sink sink, ClientSession.Options options,
                            String transport, ServerSide control) {
    if (lifecycle == null || !lifecycle.enabled()) {
      return open(clientId, identity, sink, options);
    }
    ClientSession s = new ClientSession(clientId, identity, sink, hub, rules, presence, options, hooks, lifecycle);
    lifecycle.connected(s, transport, control);
    return s;
  }
}
