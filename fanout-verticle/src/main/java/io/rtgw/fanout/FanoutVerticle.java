package io.rtgw.fanout;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.AppendResult;
import io.rtgw.protocol.Answers;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.PublishCommand;
import io.rtgw.protocol.Replies;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The delivery tier: validates a publish, has history sequence and store it, then publishes one delivery
 * on the channel's bus address, which every connection node with local subscribers listens to; or, for a
 * node-routed namespace, sends it to each connection instance the append named as the channel's routes.
 */
public final class FanoutVerticle extends VerticleBase {

  private PublishValidator validator;
  private EventBus bus;
  private FanoutMetrics metrics;
  private Answers appends;

  @Override
  public Future<?> start() {
    GatewayConfig config = GatewayConfig.fromJson(config());
    validator = new PublishValidator(config);
    bus = vertx.eventBus();
    metrics = FanoutMetrics.create();
    appends = new Answers(vertx, Addresses.answers("fanout." + UUID.randomUUID()), config.delivery().requestTimeoutMs());
    return Future.join(
        appends.started(),
        bus.<JsonObject>consumer(Addresses.PUBLISH, this::servicePublish).completion(),
        bus.<PublishCommand>consumer(Addresses.CLIENT_PUBLISH, this::clientPublish).completion());
  }

  @Override
  public Future<?> stop() {
    return appends.close();
  }

  private void servicePublish(Message<JsonObject> msg) {
    try {
      PublishCommand cmd = validator.service(msg.body());
      publish(cmd, "s", metrics.service).onSuccess(r -> msg.reply(r.toPublishResult().toJson())).onFailure(e -> Replies.fail(msg, e));
    } catch (RuntimeException e) {
      metrics.service.failed(e);
      Replies.fail(msg, e);
    }
  }

  private void clientPublish(Message<PublishCommand> msg) {
    // not msg.body() as PublishCommand: a body of another type is refused below, like any bad command
    PublishCommand asked = ((Message<?>) msg).body() instanceof PublishCommand p ? p : null;
    try {
      PublishCommand cmd = validator.client(asked);
      publish(cmd, "c", metrics.client).onComplete(ar -> {
        if (ar.succeeded()) {
          Replies.answer(bus, msg, asked, ar.result().toPublishResult(asked.ticket()));
        } else {
          Replies.refuse(bus, msg, asked, ar.cause());
        }
      });
    } catch (RuntimeException e) {
      metrics.client.failed(e);
      Replies.refuse(bus, msg, asked, e);
    }
  }

  /**
   * Appends and delivers. An idempotency key counts per publisher: {@code scope} ("c" for clients, "s"
   * for services) and {@code from} go before it, so nobody can suppress another publisher's message by
   * reusing its key (PROTOCOL.md, idempotent publish, version 1.1).
   */
  private Future<AppendResult> publish(PublishCommand cmd, String scope, FanoutMetrics.Source counted) {
    String key = cmd.key() == null ? null : scope + '\u0000' + (cmd.from() == null ? "" : cmd.from()) + '\u0000' + cmd.key();
    long ts = System.currentTimeMillis();
    String answerTo = appends.address();
    return appends.<AppendResult>ask(Addresses.HISTORY_APPEND,
            ticket -> new AppendCommand(cmd.channel(), cmd.data(), cmd.from(), key, ts, answerTo, ticket))
        .transform(ar -> {
          if (ar.failed()) {
            GatewayException failure = GatewayException.from(ar.cause(), "history");
            counted.failed(failure);
            return Future.failedFuture(failure);
          }
          AppendResult result = ar.result();
          if (!result.duplicate()) {
            deliver(result);
          }
          counted.appended(result.duplicate());
          return Future.succeededFuture(result);
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
