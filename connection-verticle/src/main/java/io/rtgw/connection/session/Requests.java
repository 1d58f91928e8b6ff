package io.rtgw.connection.session;

import io.rtgw.connection.Tiers;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Position;
import io.rtgw.protocol.PublishCommand;
import io.rtgw.protocol.PublishResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;

/**
 * The request/response commands a client may send, whichever way it comes (a WebSocket command or the
 * HTTP API): publish, history and presence, each with one set of rules, limits and sentences. A rule
 * broken fails the future with the protocol's error; nothing here throws.
 */
public final class Requests {

  public static final int DEFAULT_HISTORY_LIMIT = 100;
  public static final int MAX_HISTORY_LIMIT = 1000;

  private final AccessRules rules;
  private final Tiers tiers;
  private final UserPublishRate userRate;
  private final io.rtgw.connection.metrics.GatewayMetrics metrics = io.rtgw.connection.metrics.GatewayMetrics.current();

  private final io.rtgw.connection.hooks.Hooks hooks;

  /** Without hooks (the application is never asked; rpc is refused). */
  public Requests(AccessRules rules, Tiers tiers, UserPublishRate userRate) {
    this(rules, tiers, userRate, null);
  }

  public Requests(AccessRules rules, Tiers tiers, UserPublishRate userRate, io.rtgw.connection.hooks.Hooks hooks) {
    this.rules = rules;
    this.tiers = tiers;
    this.userRate = userRate;
    this.hooks = hooks;
  }

  /**
   * Publishes for a client (its verified user as {@code from}; null: anonymous), under the namespace's
   * client-publish rules, which the fanout tier checks, and within its user's publish rate.
   */
  public Future<PublishResult> publish(Identity who, String channel, String data, String key) {
    return publish(who, null, channel, data, key);
  }

  /**
   * As above, from client {@code client} (null: an HTTP publish, which has none). The namespace's
   * publish hook, if any, is asked last, once the rules and the rate let the message through: it may
   * refuse it or replace its data.
   */
  public Future<PublishResult> publish(Identity who, String client, String channel, String data, String key) {
    try {
      rules.checkPublish(channel, who);
    } catch (RuntimeException e) {
      return counted(Future.failedFuture(e));
    }
    if (hooks == null || !hooks.publishOn(channel)) {
      PublishCommand cmd = new PublishCommand(channel, data, who.user(), key);
      // an anonymous publish has no user rate to wait for: one future fewer on every such publish
      return counted(who.user() == null ? tiers.publish(cmd) : userRate.take(who.user()).compose(v -> tiers.publish(cmd)));
    }
    Future<Void> admitted = who.user() == null ? Future.succeededFuture() : userRate.take(who.user());
    return counted(admitted.compose(v -> hooks.publish(who, client, channel, data))
        .compose(out -> tiers.publish(new PublishCommand(channel, out, who.user(), key))));
  }

  /** A client's rpc, forwarded to the application's rpc hook; the answer's data as raw JSON text. */
  public Future<String> rpc(Identity who, String client, String method, String data) {
    return hooks == null ? Future.failedFuture(io.rtgw.protocol.GatewayException.badRequest("No rpc here."))
        : hooks.rpc(who, client, method, data);
  }

  /** A backend's publish (an API key): the server-side rules of {@code rt.publish}, as its JSON reply. */
  public Future<io.vertx.core.json.JsonObject> publishAsService(io.vertx.core.json.JsonObject publish) {
    return counted(tiers.publishAsService(publish));
  }

  /**
   * The channel's latest position and its messages after {@code since} (oldest first), or its newest
   * without {@code since}; {@code limit} null means the default, and is capped at the maximum.
   */
  public Future<HistoryPage> history(Identity who, String channel, Position since, Long limit) {
    try {
      rules.checkHistory(channel, who);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return tiers.read(new HistoryRead(channel, since, historyLimit(limit)));
  }

  /** The members of a channel whose namespace has presence on. */
  public Future<JsonArray> presence(Identity who, String channel) {
    try {
      rules.checkPresenceView(channel, who);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return tiers.presence(channel).map(reply -> reply.getJsonArray(Fields.MEMBERS, new JsonArray()));
  }

  private <T> Future<T> counted(Future<T> publish) {
    return publish.andThen(ar -> metrics.published(ar.succeeded() ? "ok"
        : io.rtgw.protocol.GatewayException.from(ar.cause(), "fanout").code().code()));
  }

  static int historyLimit(Long given) {
    return given == null ? DEFAULT_HISTORY_LIMIT : (int) Math.min(given, MAX_HISTORY_LIMIT);
  }
}
