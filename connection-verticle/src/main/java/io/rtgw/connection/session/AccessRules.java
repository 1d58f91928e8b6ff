package io.rtgw.connection.session;

import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.NamespaceConfig;

/**
 * What a client may do with a channel, for every transport and the HTTP API alike: the channel must be a
 * valid name in a configured namespace, a personal channel is its owner's alone, and presence is asked
 * only where its namespace has it on. Publishing is the fanout tier's to check (it knows client publish).
 */
public final class AccessRules {

  private final GatewayConfig config;

  public AccessRules(GatewayConfig config) {
    this.config = config;
  }

  /** The channel's namespace settings; an unknown namespace is a bad request. */
  public NamespaceConfig namespace(String channel) {
    return config.namespaceOf(channel);
  }

  /** As {@link #checkRead(String, String, String)}, where a channel the identity's token grants is always readable. */
  public String checkRead(String channel, Identity identity, String action) {
    if (identity.grants().contains(channel)) {
      ChannelName.require(channel);
      namespace(channel);
      return channel;
    }
    return checkRead(channel, identity.user(), action);
  }

  /**
   * Checks that {@code user} (null: anonymous) may read {@code channel}: subscribe to it, read its history
   * or its presence. {@code action} completes the sentence "Only user 'x' may ... channel 'c'".
   */
  public String checkRead(String channel, String user, String action) {
    ChannelName.require(channel);
    namespace(channel);
    if (ChannelName.isPersonal(channel) && !ChannelName.personalOwner(channel).equals(user)) {
      throw GatewayException.forbidden("Only user '" + ChannelName.personalOwner(channel) + "' may " + action
          + " channel '" + channel + "'.");
    }
    return channel;
  }

  /** Checks that the channel's namespace has presence on. */
  public void checkPresenceOn(String channel) {
    if (!namespace(channel).presence()) {
      throw GatewayException.presenceOff(channel);
    }
  }

  /** Whether {@code user} in {@code channel} is listed in its presence: identified, and presence on. */
  public boolean listsPresence(String channel, String user) {
    return user != null && namespace(channel).presence();
  }

  /** The user's personal channel, or null when there is none (anonymous, or no personal namespace). */
  public String inboxOf(String user) {
    if (user == null || !config.namespaces().containsKey(ChannelName.PERSONAL_NAMESPACE)) {
      return null;
    }
    String inbox = ChannelName.personal(user);
    return ChannelName.isValid(inbox) ? inbox : null;
  }
}
