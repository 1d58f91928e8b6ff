package io.rtgw.fanout;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.PublishCommand;
import io.rtgw.protocol.PublishResult;
import io.rtgw.protocol.Replies;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The delivery tier: validates a publish, has history sequence and store it, then publishes one delivery
 * on the channel's bus address, which every connection node with local subscribers listens to; or, for a
 * node-routed namespace, sends it to each connection instance the append named as the channel's routes.
 */
public final class FanoutVerticle extends VerticleBase {

  private PublishValidator validator;
  private DeliveryOptions requestOptions;
  private EventBus bus;
  private FanoutMetrics metrics;

  @Override
  public Future<?> start() {
    GatewayConfig config = GatewayConfig.fromJson(config());
    validator = new PublishValidator(config);
    requestOptions = new DeliveryOptions().setSendTimeout(config.delivery().requestTimeoutMs());
    bus = vertx.eventBus();
    metrics = FanoutMetrics.create();
    return Future.join(
        bus.<JsonObject>consumer(Addresses.PUBLISH, this::servicePublish).completion(),
        bus.<PublishCommand>consumer(Addresses.CLIENT_PUBLISH, this::clientPublish).completion());
  }

  private void servicePublish(Message<JsonObject> msg) {
    try {
      PublishCommand cmd = validator.service(msg.body());
      publish(cmd, "s", metrics.service).onSuccess(r -> msg.reply(r.toJson())).onFailure(e -> Replies.fail(msg, e));
    } catch (RuntimeException e) {
      metrics.service.failed(e);
      Replies.fail(msg, e);
    }
  }

  private void clientPublish(Message<PublishCommand> msg) {
    try {
      PublishCommand cmd = validator.client(msg.body());
      publish(cmd, "c", metrics.client).onSuccess(msg::reply).onFailure(e -> Replies.fail(msg, e));
    } catch (RuntimeException e) {
      metrics.client.failed(e);
      Replies.fail(msg, e);
    }
  }

  /**
   * Appends and delivers. An idempotency key counts per publisher: {@code scope} ("c" for clients, "s"
   * for services) and {@code from} go before it, so nobody can suppress another publisher's message by
   * reusing its key (PROTOCOL.md, idempotent publish, version 1.1).
   */
  private Future<PublishResult> publish(PublishCommand cmd, String scope, FanoutMetrics.Source counted) {
    String key = cmd.key() == null ? null : scope + '\u0000' + (cmd.from() == null ? "" : cmd.from()) + '\u0000' + cmd.key();
    AppendCommand append = new AppendCommand(cmd.channel(), cmd.data(), cmd.from(), key, System.currentTimeMillis());
    return bus.<AppendResult>request(Addresses.HISTORY_APPEND, append, requestOptions)
        .recover(e -> {
          GatewayException failure = GatewayException.from(e, "history");
          counted.failed(failure);
          return Future.failedFuture(failure);
        })
        .map(reply -> {
          AppendResult result = reply.body();
          if (!result.duplicate()) {
            deliver(result);
          }
          counted.appended(result.duplicate());
          return result.toPublishResult();
        });
  }

  /**
   * Routes read in the append's own step: an instance that stored its route later reads its position
   * after that, so it finds this message in history; no instance is both skipped and behind unhealed.
   */
  private void deliver(AppendResult result) {
    if (result.routes() == null) {
      bus.publish(Addresses.delivery(result.message().channel()), result.message());
      return;
    }
    for (String instance : result.routes()) {
      bus.send(Addresses.node(instance), result.message());
    }
  }
}
