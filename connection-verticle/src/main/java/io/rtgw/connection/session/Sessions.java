package io.rtgw.connection.session;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.connection.Sink;

/** Opens client sessions for the transports of one connection verticle, each with a fresh client id. */
public final class Sessions {

  private final ChannelHub hub;
  private final AccessRules rules;
  private final PresenceReporter presence;
  private final ClientIds clientIds = new ClientIds();

  public Sessions(ChannelHub hub, AccessRules rules, PresenceReporter presence) {
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
}
