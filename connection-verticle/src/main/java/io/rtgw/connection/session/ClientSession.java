package io.rtgw.connection.session;

import io.rtgw.connection.ChannelHub;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.connection.Resume;
import io.rtgw.connection.Sink;
import io.rtgw.connection.Subscription;
import io.rtgw.connection.hooks.Hooks;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.PresenceEntry;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client, whatever its transport: who it is, what it is subscribed to, where it is present, what it
 * may do, and what it holds until it goes. The transport keeps only its framing, its bounds and its wire
 * details, and is this session's {@link Sink}.
 */
public final class ClientSession {

  private final String clientId;
  private Identity identity;
  private final Sink sink;
  private final ChannelHub hub;
  private final AccessRules rules;
  private final PresenceReporter presence;
  private final Options options;
  /** Null where the transport has no connection to tell of (polls). */
  private final io.rtgw.connection.events.LifecycleEvents lifecycle;
  /** Sized for the usual few (a personal channel and one or two more), not the default sixteen slots. */
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>(4);
  private final Hooks hooks;
  /** Channels whose subscribe hook has not answered yet: they count against the limit, and once only. */
  private final java.util.Set<String> asking = new java.util.HashSet<>();
  /** The personal channel while it is subscribed automatically, not (yet) by the client itself. */
  private String autoSubscribed;
  private boolean closed;

  /**
   * How a transport's sessions differ: the most channels one may hold, the most messages one history
   * read of a resume asks for, whether its subscriptions make its user present (a poll client's presence
   * is kept across polls instead), and whether a channel left by it stays open a moment for the client's
   * next request (a long poll is back within moments).
   */
  public record Options(int maxSubscriptions, int pageSize, boolean reportsPresence, boolean lingers,
                        String transport) {

    public Options(int maxSubscriptions, int pageSize, boolean reportsPresence, boolean lingers) {
      this(maxSubscriptions, pageSize, reportsPresence, lingers, "ws");
    }
  }

  public ClientSession(String clientId, Identity identity, Sink sink, ChannelHub hub, AccessRules rules,
                       PresenceReporter presence, Options options) {
    this(clientId, identity, sink, hub, rules, presence, options, null, null);
  }

  /**
   * {@code hooks}: the application's subscribe hooks (null: none; a poll's are asked per request instead);
   * {@code lifecycle}: the events this session's subscribes and close are told to (null where the transport
   * has no connection to tell of: polls).
   */
  public ClientSession(String clientId, Identity identity, Sink sink, ChannelHub hub, AccessRules rules,
                       PresenceReporter presence, Options options, Hooks hooks,
                       io.rtgw.connection.events.LifecycleEvents lifecycle) {
    this.hooks = hooks;
    this.lifecycle = lifecycle;
    this.clientId = clientId;
    this.identity = identity;
    this.sink = sink;
    this.hub = hub;
    this.rules = rules;
    this.presence = presence;
    this.options = options;
  }

  public String clientId() {
    return clientId;
  }

  /** The verified user id, or null for an anonymous client. */
  public String user() {
    return identity.user();
  }

  public Identity identity() {
    return identity;
  }

  /**
   * The client proved itself again (a refreshed token): same user, a new expiry and grants. A token of
   * another user is refused: a connection's subscriptions and presence belong to the user it opened as.
   */
  public void reidentify(Identity renewed) {
    if (!java.util.Objects.equals(renewed.user(), identity.user())) {
      throw new GatewayException(io.rtgw.protocol.ErrorCode.FORBIDDEN, "A refreshed token must be for user '"
          + identity.user() + "', who this connection belongs to.");
    }
    identity = renewed;
  }

  public boolean closed() {
    return closed;
  }

  public int size() {
    return subscriptions.size();
  }

  /**
   * Subscribes to {@code channel} from {@code since} (null: from now). The answer is what to tell the
   * client, with the catch-up to run once told; null when the client unsubscribed or went meanwhile.
   * A rule broken or a tier down fails it with the protocol's error.
   */
  public Future<Resume> subscribe(String channel, Position since) {
    return subscribe(channel, since, false);
  }

  /** As {@link #subscribe(String, Position)}; {@code granted}: the client showed a subscription token for it. */
  public Future<Resume> subscribe(String channel, Position since, boolean granted) {
    try {
      rules.checkSubscribe(channel, identity, granted, "subscribe to");
      if (channel.equals(autoSubscribed)) {
        // the client's own subscribe (e.g. with since, to collect what came while it was offline)
        // replaces the automatic one; its presence entry stays
        autoSubscribed = null;
        Subscription auto = subscriptions.remove(channel);
        if (auto != null) {
          hub.detach(auto);
        }
      }
      if (subscriptions.containsKey(channel) || asking.contains(channel)) {
        throw GatewayException.badRequest("Already subscribed to '" + channel + "'.");
      }
      if (subscriptions.size() + asking.size() >= options.maxSubscriptions()) {
        io.rtgw.connection.metrics.GatewayMetrics.current().refused("subscriptions");
        throw new GatewayException(io.rtgw.protocol.ErrorCode.LIMIT_EXCEEDED, "Too many subscriptions on one "
            + "connection (at most " + options.maxSubscriptions() + ").");
      }
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    if (hooks == null || "poll".equals(options.transport()) || !hooks.subscribeOn(channel)) {
      return open(channel, since);
    }
    asking.add(channel);
    return hooks.subscribe(options.transport(), identity, clientId, channel).compose(v -> {
      // gone, or unsubscribed while the application was asked: nothing to open
      if (!asking.remove(channel) || closed) {
        return Future.<Resume>succeededFuture();
      }
      return open(channel, since);
    }, e -> {
      asking.remove(channel);
      return Future.failedFuture(e);
    });
  }

  /**
   * An identified client is subscribed to its personal channel at once, so direct messages reach it
   * without asking. Answers null when there is none.
   */
  public Future<Resume> subscribeInbox() {
    String inbox = rules.inboxOf(identity.user());
    if (inbox == null || subscriptions.containsKey(inbox)) {
      return Future.succeededFuture();
    }
    autoSubscribed = inbox;
    return open(inbox, null);
  }

  /**
   * A subscription the application asked for (the control API): the namespace's client rules do not
   * apply, the application decides. Answers null when the client already holds the channel.
   */
  public Future<Resume> subscribeByServer(String channel) {
    if (subscriptions.containsKey(channel)) {
      return Future.succeededFuture();
    }
    if (subscriptions.size() >= options.maxSubscriptions()) {
      return Future.failedFuture(new GatewayException(io.rtgw.protocol.ErrorCode.LIMIT_EXCEEDED,
          "Too many subscriptions on one connection (at most " + options.maxSubscriptions() + ")."));
    }
    return open(channel, null);
  }

  /** Whether the client holds {@code channel}. */
  public boolean holds(String channel) {
    return subscriptions.containsKey(channel);
  }

  /**
   * The channels the client's token grants (its {@code channels} claim), subscribed at connect like the
   * personal channel; each answer is null where the client already holds that channel.
   */
  public java.util.List<Future<Resume>> subscribeGrants() {
    java.util.List<Future<Resume>> out = new ArrayList<>();
    for (String channel : new java.util.TreeSet<>(identity.grants())) {
      if (!subscriptions.containsKey(channel) && subscriptions.size() < options.maxSubscriptions()) {
        try {
          rules.checkSubscribe(channel, identity, false, "subscribe to");
          out.add(open(channel, null));
        } catch (GatewayException e) {
          out.add(Future.failedFuture(e));
        }
      }
    }
    return out;
  }

  /** Ends the subscription to {@code channel}, if any; its presence entry goes with it. */
  public void unsubscribe(String channel) {
    asking.remove(channel);
    if (channel.equals(autoSubscribed)) {
      autoSubscribed = null;
    }
    Subscription s = subscriptions.remove(channel);
    if (s != null) {
      detach(s);
      leave(channel);
      if (lifecycle != null) {
        lifecycle.unsubscribed(this, channel);
      }
    }
  }

  /** Every channel's position, in the order subscribed (the cursor of an SSE stream or a poll). */
  public Map<String, Position> positions() {
    Map<String, Position> out = new LinkedHashMap<>();
    subscriptions.forEach((channel, s) -> out.put(channel, s.position()));
    return out;
  }

  /** Releases everything the client holds: subscriptions and presence entries. Idempotent. */
  public void close() {
    close(io.rtgw.connection.events.Reasons.CLIENT_CLOSED, null);
  }

  /**
   * As {@link #close()}, telling lifecycle events why ({@link io.rtgw.connection.events.Reasons}) and with
   * which WebSocket close code (null: none).
   */
  public void close(String reason, Integer code) {
    if (closed) {
      return;
    }
    closed = true;
    asking.clear();
    List<Subscription> all = new ArrayList<>(subscriptions.values());
    subscriptions.clear();
    for (Subscription s : all) {
      detach(s);
      leave(s.channel());
      if (lifecycle != null) {
        lifecycle.unsubscribed(this, s.channel());
      }
    }
    if (lifecycle != null) {
      lifecycle.disconnected(this, reason, code);
    }
  }

  private Future<Resume> open(String channel, Position since) {
    if (closed) {
      return Future.succeededFuture();
    }
    Subscription s = hub.subscription(channel, sink);
    subscriptions.put(s.channel(), s);
    return hub.resume(s, since, options.pageSize()).transform(ar -> {
      if (closed || subscriptions.get(channel) != s) {
        if (ar.succeeded() && ar.result() != null) {
          detach(s);
        }
        return Future.succeededFuture();
      }
      if (ar.failed()) {
        subscriptions.remove(channel);
        return Future.failedFuture(GatewayException.from(ar.cause(), "history"));
      }
      if (ar.result() == null) {
        // the hub let go of a subscription this session still holds (its channel closed while it
        // attached): answering nothing would leave the client waiting, and an inbox never tried again
        subscriptions.remove(channel);
        return Future.failedFuture(new GatewayException(io.rtgw.protocol.ErrorCode.UNAVAILABLE, "The subscription to '"
            + channel + "' ended before it was established; try again."));
      }
      join(channel);
      if (lifecycle != null) {
        lifecycle.subscribed(this, channel);
      }
      return Future.succeededFuture(ar.result());
    });
  }

  private void detach(Subscription s) {
    if (options.lingers()) {
      hub.detachLingering(s);
    } else {
      hub.detach(s);
    }
  }

  private void join(String channel) {
    if (options.reportsPresence() && rules.listsPresence(channel, identity.user())) {
      presence.join(new PresenceEntry(channel, identity.user(), clientId));
    }
  }

  private void leave(String channel) {
    if (options.reportsPresence() && identity.user() != null) {
      presence.leave(new PresenceEntry(channel, identity.user(), clientId));
    }
  }
}
