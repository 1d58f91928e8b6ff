package io.rtgw.service;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A service's door to the gateway over the event bus of the Vertx it is given (clustered, joined to the
 * gateway's cluster): typed publish, presence and history, hook handlers, lifecycle events and the
 * control API. Everything comes and goes as records; addresses and field names stay in here.
 *
 * <p>Requests fail with an {@link RtgwException} holding the protocol's code: the gateway's refusal
 * (bad_request, forbidden, too_large...), {@code unavailable} when no gateway answers or not in time,
 * {@code internal} when an answer breaks the contract. Futures complete on the caller's context.
 *
 * <p>Hook handlers run on an event loop and must not block: they return a Future. A handler that
 * throws or fails makes the request fail, and the gateway applies the hook's onFailure policy; failing
 * with an {@link RtgwException} sends its status. Every instance of a service that registers the same
 * hook address shares the requests (the bus picks one); every instance receives every lifecycle event.
 */
public final class RtgwService {

  private static final System.Logger LOG = System.getLogger(RtgwService.class.getName());

  private final EventBus bus;
  private final ServiceOptions options;
  private final DeliveryOptions delivery;

  private RtgwService(Vertx vertx, ServiceOptions options) {
    this.bus = vertx.eventBus();
    this.options = options;
    this.delivery = new DeliveryOptions().setSendTimeout(options.requestTimeoutMs());
  }

  public static RtgwService create(Vertx vertx, ServiceOptions options) {
    return new RtgwService(Objects.requireNonNull(vertx, "vertx"), Objects.requireNonNull(options, "options"));
  }

  /** A service publishing as {@code name}, with the default request timeout. */
  public static RtgwService create(Vertx vertx, String name) {
    return create(vertx, ServiceOptions.named(name));
  }

  // ---- publish, presence, history

  /** Publishes {@code data} (any JSON value) to {@code channel}, under the server-side rules of rt.publish. */
  public Future<Published> publish(String channel, Object data) {
    return publish(channel, data, null);
  }

  /**
   * Publishes with an idempotency key (1 to 256 characters): a repeat of the key by this service to
   * the same channel within the gateway's window is not published again and gets the first answer.
   */
  public Future<Published> publish(String channel, Object data, String key) {
    JsonObject body = new JsonObject().put("channel", channel).put("data", data);
    if (options.name() != null) {
      body.put("from", options.name());
    }
    if (key != null) {
      body.put("key", key);
    }
    return request(GatewayAddresses.PUBLISH, body, Published::from);
  }

  /** Who is in a channel (of a namespace with presence on). */
  public Future<List<Member>> presence(String channel) {
    return request(GatewayAddresses.PRESENCE_QUERY, new JsonObject().put("channel", channel),
        reply -> Body.answer(reply, "answer of rt.presence.query").objects("members", "member", Member::from));
  }

  /**
   * Up to {@code limit} messages after {@code since}, oldest first; with {@code since} null, from the
   * oldest message history retains. The gateway caps {@code limit} (at 1000); page on from
   * {@link HistoryPage#next()}.
   */
  public Future<HistoryPage> history(String channel, Position since, int limit) {
    JsonObject body = new JsonObject().put("channel", channel).put("limit", limit);
    if (since != null) {
      body.put("since", since.toJson());
    }
    return request(GatewayAddresses.HISTORY_QUERY, body, HistoryPage::from);
  }

  // ---- hooks: each on the address the gateway's configuration names for it

  public Future<Registration> onConnect(String address, Function<ConnectRequest, Future<ConnectAnswer>> handler) {
    return hook(address, "connect", ConnectRequest::from, handler, ConnectAnswer::toJson);
  }

  public Future<Registration> onSubscribe(String address, Function<SubscribeRequest, Future<Verdict>> handler) {
    return hook(address, "subscribe", SubscribeRequest::from, handler, Verdict::toJson);
  }

  public Future<Registration> onPublish(String address, Function<PublishRequest, Future<PublishAnswer>> handler) {
    return hook(address, "publish", PublishRequest::from, handler, PublishAnswer::toJson);
  }

  public Future<Registration> onRefresh(String address, Function<RefreshRequest, Future<RefreshAnswer>> handler) {
    return hook(address, "refresh", RefreshRequest::from, handler, RefreshAnswer::toJson);
  }

  public Future<Registration> onRpc(String address, Function<RpcRequest, Future<RpcAnswer>> handler) {
    return hook(address, "rpc", RpcRequest::from, handler, RpcAnswer::toJson);
  }

  // ---- lifecycle events

  public Future<Registration> onConnected(Consumer<Connected> handler) {
    return event(GatewayAddresses.CONNECTED, "connected event", Connected::from, handler);
  }

  public Future<Registration> onDisconnected(Consumer<Disconnected> handler) {
    return event(GatewayAddresses.DISCONNECTED, "disconnected event", Disconnected::from, handler);
  }

  public Future<Registration> onSubscribed(Consumer<Subscribed> handler) {
    return event(GatewayAddresses.SUBSCRIBED, "subscribed event", Subscribed::from, handler);
  }

  public Future<Registration> onUnsubscribed(Consumer<Unsubscribed> handler) {
    return event(GatewayAddresses.UNSUBSCRIBED, "unsubscribed event", Unsubscribed::from, handler);
  }

  public Future<Registration> onOccupied(Consumer<Occupied> handler) {
    return event(GatewayAddresses.OCCUPIED, "occupied event", Occupied::from, handler);
  }

  public Future<Registration> onVacated(Consumer<Vacated> handler) {
    return event(GatewayAddresses.VACATED, "vacated event", Vacated::from, handler);
  }

  // ---- control

  /** Disconnects every connection of {@code user} with the gateway's default code and reconnect policy. */
  public Future<Affected> disconnect(String user) {
    return disconnect(user, null, null);
  }

  /**
   * Disconnects every connection of {@code user} across the cluster with close code {@code code} (null:
   * the gateway's default), telling clients whether they may {@code reconnect} (null: the default).
   */
  public Future<Affected> disconnect(String user, Integer code, Boolean reconnect) {
    return disconnect("user", user, code, reconnect);
  }

  /** Disconnects one client (by the client id of its events) the same way. */
  public Future<Affected> disconnectClient(String client, Integer code, Boolean reconnect) {
    return disconnect("client", client, code, reconnect);
  }

  /** Subscribes every connection of {@code user} to {@code channel} server-side. */
  public Future<Affected> subscribe(String user, String channel) {
    return connectionsOp("subscribe", user, channel);
  }

  public Future<Affected> unsubscribe(String user, String channel) {
    return connectionsOp("unsubscribe", user, channel);
  }

  /** A user's connections across the cluster. */
  public Future<UserConnections> connections(String user) {
    return control(new JsonObject().put("op", "connections").put("user", Objects.requireNonNull(user, "user")),
        b -> new UserConnections(b.objects("connections", "connection", Connection::from), Affected.incomplete(b)));
  }

  /** Connections and subscribers of {@code channel}, or of the whole cluster with null. */
  public Future<Counts> count(String channel) {
    JsonObject body = new JsonObject().put("op", "count");
    if (channel != null) {
      body.put("channel", channel);
    }
    return control(body, b -> new Counts(b.number("connections"), b.number("subscribers"), Affected.incomplete(b)));
  }

  private Future<Affected> disconnect(String by, String who, Integer code, Boolean reconnect) {
    JsonObject body = new JsonObject().put("op", "disconnect").put(by, Objects.requireNonNull(who, by));
    if (code != null) {
      body.put("code", code);
    }
    if (reconnect != null) {
      body.put("reconnect", reconnect);
    }
    return control(body, b -> Affected.from(b, "disconnected"));
  }

  private Future<Affected> connectionsOp(String op, String user, String channel) {
    return control(new JsonObject().put("op", op).put("user", Objects.requireNonNull(user, "user"))
        .put("channel", Objects.requireNonNull(channel, "channel")), b -> Affected.from(b, "connections"));
  }

  private <T> Future<T> control(JsonObject body, Function<Body, T> read) {
    String what = "answer of rt.control to '" + body.getString("op") + "'";
    return request(GatewayAddresses.CONTROL, body, reply -> read.apply(Body.answer(reply, what)));
  }

  // ---- the bus

  private <T> Future<T> request(String address, JsonObject body, Function<Object, T> read) {
    return bus.<Object>request(address, body, delivery)
        .recover(e -> Future.failedFuture(failure(address, e)))
        .map(reply -> read.apply(reply.body()));
  }

  /** A bus failure as the protocol's code: the gateway's status, or unavailable when nobody answered. */
  static RtgwException failure(String address, Throwable e) {
    if (e instanceof ReplyException r) {
      switch (r.failureType()) {
        case NO_HANDLERS:
          return new RtgwException(ProtocolCode.UNAVAILABLE, "No gateway answers on " + address
              + ": is this Vertx clustered with the gateway, and does the gateway serve it"
              + (address.equals(GatewayAddresses.CONTROL) ? " (control.enabled)?" : "?"));
        case TIMEOUT:
          return new RtgwException(ProtocolCode.UNAVAILABLE, "The gateway did not answer on " + address + " in time.");
        default:
          return new RtgwException(ProtocolCode.ofStatus(r.failureCode()), r.getMessage());
      }
    }
    return new RtgwException(ProtocolCode.INTERNAL, "The request on " + address + " failed: " + e.getMessage());
  }

  private <Q, A> Future<Registration> hook(String address, String hook, Function<Body, Q> parse,
                                           Function<Q, Future<A>> handler, Function<A, JsonObject> toJson) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(handler, "handler");
    String what = hook + " hook request";
    MessageConsumer<Object> consumer = bus.consumer(address, msg -> {
      Future<A> answer;
      try {
        answer = Objects.requireNonNull(handler.apply(parse.apply(Body.request(msg.body(), what))),
            "the handler returned no Future");
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(ar -> {
        if (ar.succeeded() && ar.result() != null) {
          msg.reply(toJson.apply(ar.result()));
        } else {
          fail(msg, hook, ar.succeeded() ? new NullPointerException("the handler answered null") : ar.cause());
        }
      });
    });
    return consumer.completion().map(v -> new Registration(consumer));
  }

  private static void fail(Message<?> msg, String hook, Throwable e) {
    if (e instanceof RtgwException r) {
      msg.fail(r.code().status(), r.getMessage());
    } else {
      LOG.log(System.Logger.Level.WARNING, "The " + hook + " hook handler on " + msg.address() + " failed", e);
      msg.fail(ProtocolCode.INTERNAL.status(), "The service's " + hook + " hook failed: " + e.getMessage());
    }
  }

  private <E> Future<Registration> event(String address, String what, Function<Body, E> parse, Consumer<E> handler) {
    Objects.requireNonNull(handler, "handler");
    MessageConsumer<Object> consumer = bus.consumer(address, msg -> {
      E event;
      try {
        event = parse.apply(Body.request(msg.body(), what));
      } catch (RtgwException e) {
        // an event nobody can act on: say so once per event and keep listening
        LOG.log(System.Logger.Level.WARNING, "Ignored a malformed " + what + " on " + address + ": " + e.getMessage());
        return;
      }
      handler.accept(event);
    });
    return consumer.completion().map(v -> new Registration(consumer));
  }
}
