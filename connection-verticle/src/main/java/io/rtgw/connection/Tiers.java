package io.rtgw.connection;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.Answers;
import io.rtgw.protocol.ChangesRead;
import io.rtgw.protocol.ChannelChanges;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.HistoryPage;
import io.rtgw.protocol.HistoryRead;
import io.rtgw.protocol.Positions;
import io.rtgw.protocol.PositionsRead;
import io.rtgw.protocol.PublishCommand;
import io.rtgw.protocol.PublishResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The connection tier's requests to the other tiers, each with a timeout and its failure turned into a
 * protocol error, so no client waits on a tier that is down.
 */
public final class Tiers {

  private final EventBus bus;
  private final DeliveryOptions options;
  private final PendingRequests pending;
  private final Answers answers;

  public Tiers(io.vertx.core.Vertx vertx, long timeoutMs) {
    this.bus = vertx.eventBus();
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.pending = new PendingRequests(vertx);
    this.answers = new Answers(vertx, Addresses.answers("connection." + UUID.randomUUID()), timeoutMs);
  }

  /** Completes once the answers to publishes can arrive. */
  public Future<Void> started() {
    return answers.started();
  }

  public Future<Void> close() {
    return answers.close();
  }

  /**
   * A cluster member left: requests waiting on a tier that has no member left fail now with
   * {@code unavailable}, instead of at the request timeout.
   */
  public void memberLeft() {
    pending.memberLeft();
  }

  public Future<HistoryPage> read(HistoryRead read) {
    return pending.track(Addresses.HISTORY_READ, bus.<HistoryPage>request(Addresses.HISTORY_READ, read, options))
        .recover(e -> Future.failedFuture(GatewayException.from(e, "history")))
        .map(Message::body);
  }

  /**
   * The channels appended to since {@code read}'s cursor. Failures are the bus's own, so that the caller
   * can tell a history tier without the changes feed (no handlers) from one that is slow.
   */
  public Future<ChannelChanges> changes(ChangesRead read) {
    return bus.<ChannelChanges>request(Addresses.HISTORY_CHANGES, read, options).map(Message::body);
  }

  public Future<Positions> positions(PositionsRead read) {
    return bus.<Positions>request(Addresses.HISTORY_POSITIONS, read, options)
        .recover(e -> Future.failedFuture(GatewayException.from(e, "history")))
        .map(Message::body);
  }

  /** Asked through {@link Answers}: a publish pays a bus request's reply handler and timer on every message. */
  public Future<PublishResult> publish(PublishCommand cmd) {
    String answerTo = answers.address();
    return pending.track(Addresses.CLIENT_PUBLISH,
            answers.<PublishResult>ask(Addresses.CLIENT_PUBLISH, ticket -> cmd.asked(answerTo, ticket)))
        .recover(e -> Future.failedFuture(GatewayException.from(e, "fanout")));
  }

  /** A backend's publish under the server-side rules ({@code rt.publish}): {channel, data, from?, key?}. */
  public Future<JsonObject> publishAsService(JsonObject publish) {
    return pending.track(Addresses.PUBLISH, bus.<JsonObject>request(Addresses.PUBLISH, publish, options))
        .recover(e -> Future.failedFuture(GatewayException.from(e, "fanout")))
        .map(Message::body);
  }

  public Future<JsonObject> presence(String channel) {
    return pending.track(Addresses.PRESENCE_QUERY, bus.<JsonObject>request(Addresses.PRESENCE_QUERY, new JsonObject().put(Fields.CHANNEL, channel), options))
        .recover(e -> Future.failedFuture(GatewayException.from(e, "presence")))
        .map(Message::body);
  }
}
