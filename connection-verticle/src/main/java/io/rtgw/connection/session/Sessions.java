package io.rtgw.connection.session;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.connection.Sink;
import io.rtgw.connection.hooks.Hooks;

/** Opens client sessions for the transports of one connection verticle, each with a fresh client id. */
public final class Sessions {

  private final ChannelHub hub;
  private final AccessRules rules;
  private final PresenceReporter presence;
  private final Hooks hooks;

  public Sessions(ChannelHub hub, AccessRules rules, PresenceReporter presence, Hooks hooks) {
    this.hub = hub;
    this.rules = rules;
    this.presence = presence;
    this.hooks = hooks;
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
    return open(hooks.nextClientId(), identity, sink, options);
  }

  public ClientSession open(String clientId, Identity identity, Sink sink, ClientSession.Options options) {
    return new ClientSession(clientId, identity, sink, hub, rules, presence, options, hooks);
  }
}
