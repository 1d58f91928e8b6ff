package io.rtgw.connection.session;

import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.NamespaceAccess;
import io.rtgw.protocol.config.NamespaceConfig;

/**
 * What a client may do with a channel, for every transport and the HTTP API alike: the channel must be a
 * valid name in a configured namespace; a personal channel is its owner's alone; and each namespace says
 * who may subscribe, publish, read history and see presence ({@link NamespaceAccess}): anyone, an
 * authenticated client, or one holding a grant for the channel. Whether clients may publish at all is the
 * fanout tier's to check (it knows {@code clientPublish}).
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

  /**
   * Checks that {@code who} may subscribe to (read live) {@code channel}; {@code granted}: the request
   * carried a subscription token for it. {@code action} completes "Only user 'x' may ... channel 'c'".
   */
  public String checkSubscribe(String channel, Identity who, boolean granted, String action) {
    return check(channel, who, granted, namespaceOf(channel).access().subscribe(), action, true);
  }

  public void checkHistory(String channel, Identity who) {
    check(channel, who, false, namespaceOf(channel).access().history(), "read the history of", true);
  }

  public void checkPresenceView(String channel, Identity who) {
    check(channel, who, false, namespaceOf(channel).access().presenceView(), "read the presence of", true);
    if (!namespace(channel).presence()) {
      throw GatewayException.presenceOff(channel);
    }
  }

  /** Anyone may publish to a personal channel (it is an inbox); the namespace's access still applies. */
  public void checkPublish(String channel, Identity who) {
    check(channel, who, false, namespaceOf(channel).access().publish(), "publish to", false);
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

  private NamespaceConfig namespaceOf(String channel) {
    ChannelName.require(channel);
    return namespace(channel);
  }

  private String check(String channel, Identity who, boolean granted, String level, String action, boolean personal) {
    if (who.service()) {
      return channel;
    }
    boolean hasGrant = granted || who.grants().contains(channel);
    if (personal && !hasGrant && ChannelName.isPersonal(channel)
        && !ChannelName.personalOwner(channel).equals(who.user())) {
      throw GatewayException.forbidden("Only user '" + ChannelName.personalOwner(channel) + "' may " + action
          + " channel '" + channel + "'.");
    }
    switch (level) {
      case NamespaceAccess.AUTHENTICATED -> {
        if (who.user() == null) {
          throw GatewayException.forbidden("Only authenticated users may " + action + " channel '" + channel
              + "'; connect with a token.");
        }
      }
      case NamespaceAccess.GRANT -> {
        if (!hasGrant) {
          throw GatewayException.forbidden("To " + action + " channel '" + channel + "' a grant is needed: a token "
              + "whose channels claim names it, or a subscription token for it.");
        }
      }
      default -> {
        // anyone
      }
    }
    return channel;
  }
}
