package io.rtgw.connection.control;

import io.rtgw.connection.events.LifecycleEvents;
import io.rtgw.connection.events.ServerSide;
import io.rtgw.connection.http.JsonReplies;
import io.rtgw.connection.session.Authenticator;
import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Replies;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The control API of one connection instance. {@code rt.control} (and {@code POST /control}) requests
 * land on any instance, which finds in the connection registry which instances hold the connections or
 * channel concerned, asks each of them on its control address (each answers for its own connections, on
 * its own event loop) and adds up the answers. The gather is bounded by {@code control.timeoutMs}: an
 * instance that has not answered by then is left out, and the answer says {@code "incomplete":true}.
 *
 * <p>Every instance listens on its control address whenever events are on, so the control API reaches
 * its connections even where this node's own {@code control.enabled} is off.
 */
public final class Control {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final LifecycleEvents local;
  private final Supplier<? extends Collection<String>> nodeHolders;
  private final EventBus bus;
  private final DeliveryOptions ask;
  private final ControlMetrics metrics = new ControlMetrics();

  /** {@code nodeHolders}: the registry ids of every connection instance of this node, this one's included. */
  public Control(Vertx vertx, GatewayConfig config, LifecycleEvents local, Supplier<? extends Collection<String>> nodeHolders) {
    this.vertx = vertx;
    this.config = config;
    this.local = local;
    this.nodeHolders = nodeHolders;
    this.bus = vertx.eventBus();
    this.ask = new DeliveryOptions().setSendTimeout(config.control().timeoutMs());
  }

  /** Registers this instance's control address and, with control.enabled, {@code rt.control}. */
  public Future<?> start() {
    if (!config.events().enabled()) {
      return Future.succeededFuture();
    }
    Future<Void> mine = bus.<JsonObject>consumer(Addresses.control(local.holder()), this::act).completion();
    if (!config.control().enabled()) {
      return mine;
    }
    return Future.join(mine, bus.consumer(Addresses.CONTROL, this::request).completion());
  }

  /** {@code POST /control}: the same body and answer as the bus, for a caller with an API key. */
  public void http(RoutingContext ctx, Authenticator auth) {
    if (!config.control().enabled()) {
      JsonReplies.fail(ctx.response(), new GatewayException(ErrorCode.NOT_FOUND,
          "The control API is off on this node (control.enabled is false)."));
      return;
    }
    auth.authenticate(ctx.request(), true).onComplete(ar -> {
      if (ar.failed() || !ar.result().service()) {
        JsonReplies.fail(ctx.response(), ar.failed() && ar.cause() instanceof GatewayException g
            && g.code() != ErrorCode.UNAUTHORIZED ? g
            : new GatewayException(ErrorCode.UNAUTHORIZED, "POST /control needs 'Authorization: apikey <key>' with "
            + "one of auth.apiKeys."));
        return;
      }
      Object body;
      try {
        body = ctx.body().buffer() == null ? null : ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        body = "not json";
      }
      handle(body).onSuccess(answer -> JsonReplies.ok(ctx.response(), answer))
          .onFailure(e -> JsonReplies.fail(ctx.response(), e));
    });
  }

  private void request(Message<Object> msg) {
    handle(msg.body()).onSuccess(msg::reply).onFailure(e -> Replies.fail(msg, e));
  }

  /** One control request, from the bus or HTTP. */
  Future<JsonObject> handle(Object body) {
    ControlRequest r;
    try {
      r = ControlRequest.read(body, config);
    } catch (GatewayException e) {
      metrics.answered(body instanceof JsonObject j && ControlRequest.OPS.contains(j.getValue("op"))
          ? j.getString("op") : "unknown", "refused");
      return Future.failedFuture(e);
    }
    Future<JsonObject> answer = switch (r.op()) {
      case "connections" -> query(new JsonObject().put("op", "connections").put(Fields.USER, r.user()))
          .map(this::connections);
      case "count" -> holders(r).compose(h -> gather(h, r)).map(Control::count);
      default -> holders(r).compose(h -> gather(h, r)).map(parts -> sum(r.op(), parts));
    };
    return answer.onComplete(ar -> metrics.answered(r.op(), ar.succeeded() ? "ok" : "failed"));
  }

  /**
   * The instances to ask. Every connection instance of this node is asked too (a set: none twice): what
   * opened or subscribed on them in the last {@code events.batchMs} is not in the registry yet, and an
   * application that acts on a {@code connected} event at once would otherwise miss the connection
   * whenever its request lands on a sibling instance of the one holding it.
   */
  private Future<Set<String>> holders(ControlRequest r) {
    if (r.op().equals("count")) {
      JsonObject q = new JsonObject().put("op", "holders");
      if (r.channel() != null) {
        q.put(Fields.CHANNEL, r.channel());
      }
      return query(q).map(a -> {
        Set<String> out = new LinkedHashSet<>(nodeHolders.get());
        out.addAll(strings(a.getJsonArray("holders")));
        return out;
      });
    }
    if (r.client() != null) {
      return query(new JsonObject().put("op", "connection").put(Fields.CLIENT, r.client())).compose(a -> {
        Set<String> out = new LinkedHashSet<>(nodeHolders.get());
        out.add(local.holder());
        JsonObject c = a.getJsonObject("connection");
        if (c != null) {
          out.add(c.getString("holder"));
          return Future.succeededFuture(out);
        }
        // not in the registry (yet: opened within events.batchMs on another node, as when the application
        // acts on its connected event at once): one client is worth asking every instance the registry knows
        return query(new JsonObject().put("op", "holders")).map(h -> {
          out.addAll(strings(h.getJsonArray("holders")));
          return out;
        });
      });
    }
    Future<JsonObject> found = query(new JsonObject().put("op", "connections").put(Fields.USER, r.user()));
    return found.map(a -> {
      Set<String> out = new LinkedHashSet<>(nodeHolders.get());
      out.add(local.holder());
      for (Object c : a.getJsonArray("connections")) {
        out.add(((JsonObject) c).getString("holder"));
      }
      return out;
    });
  }

  private Future<JsonObject> query(JsonObject q) {
    return bus.<JsonObject>request(Addresses.CONNECTION_QUERY, q, ask).map(Message::body)
        .recover(e -> Future.failedFuture(GatewayException.from(e, "presence (connection registry)")));
  }

  /** Asks each holder; an instance that fails or does not answer in time is left out (null). */
  private Future<List<JsonObject>> gather(Set<String> holders, ControlRequest r) {
    List<Future<JsonObject>> asks = new ArrayList<>();
    JsonObject action = r.toJson();
    for (String holder : holders) {
      // an instance with no consumer any more went with its connections: it holds nothing, rather than
      // being one that did not answer
      asks.add(bus.<JsonObject>request(Addresses.control(holder), action, ask).map(Message::body)
          .otherwise(e -> e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS
              ? new JsonObject() : null));
    }
    return Future.join(asks).transform(ar -> {
      List<JsonObject> out = new ArrayList<>();
      asks.forEach(f -> out.add(f.result()));
      return Future.succeededFuture(out);
    });
  }

  private static JsonObject sum(String op, List<JsonObject> parts) {
    long n = 0;
    boolean incomplete = false;
    for (JsonObject p : parts) {
      if (p == null) {
        incomplete = true;
      } else {
        n += p.getLong("n", 0L);
      }
    }
    JsonObject out = new JsonObject().put(op.equals("disconnect") ? "disconnected" : "connections", n);
    return incomplete ? out.put("incomplete", true) : out;
  }

  private static JsonObject count(List<JsonObject> parts) {
    long connections = 0;
    long anonymous = 0;
    Set<String> users = new HashSet<>();
    boolean incomplete = false;
    for (JsonObject p : parts) {
      if (p == null) {
        incomplete = true;
        continue;
      }
      connections += p.getLong("connections", 0L);
      anonymous += p.getLong("anonymous", 0L);
      p.getJsonArray("users", new JsonArray()).forEach(u -> users.add((String) u));
    }
    JsonObject out = new JsonObject().put("connections", connections).put("subscribers", users.size() + anonymous);
    return incomplete ? out.put("incomplete", true) : out;
  }

  private JsonObject connections(JsonObject registry) {
    JsonArray out = new JsonArray();
    for (Object o : registry.getJsonArray("connections")) {
      JsonObject c = (JsonObject) o;
      out.add(new JsonObject().put(Fields.CLIENT, c.getString("client")).put("transport", c.getString("transport"))
          .put("node", c.getString("node")).put("since", c.getLong("since")));
    }
    return new JsonObject().put("connections", out);
  }

  /** A control action for the connections this instance holds; answers {"n"} (count: its tallies). */
  private void act(Message<JsonObject> msg) {
    JsonObject a = msg.body();
    String op = a.getString("op");
    String user = a.getString(Fields.USER);
    String client = a.getString(Fields.CLIENT);
    String channel = a.getString(Fields.CHANNEL);
    if (op.equals("count")) {
      msg.reply(tally(channel));
      return;
    }
    List<LifecycleEvents.Live> targets = new ArrayList<>();
    if (client != null) {
      LifecycleEvents.Live l = local.ofClient(client);
      if (l != null) {
        targets.add(l);
      }
    } else {
      targets.addAll(local.ofUser(user));
    }
    switch (op) {
      case "disconnect" -> {
        int code = a.getInteger(Fields.CODE, ControlRequest.DEFAULT_CODE);
        boolean reconnect = a.getBoolean("reconnect", true);
        for (LifecycleEvents.Live l : targets) {
          l.control().disconnect(code, reconnect, "disconnected by the application");
        }
        msg.reply(new JsonObject().put("n", targets.size()));
      }
      case "unsubscribe" -> {
        int n = 0;
        for (LifecycleEvents.Live l : targets) {
          n += l.control().unsubscribe(channel) ? 1 : 0;
        }
        msg.reply(new JsonObject().put("n", n));
      }
      case "subscribe" -> {
        List<Future<Boolean>> subs = new ArrayList<>();
        for (LifecycleEvents.Live l : targets) {
          ServerSide s = l.control();
          subs.add(s.subscribe(channel).otherwise(false));
        }
        Future.join(subs).onComplete(ar -> {
          long n = subs.stream().filter(f -> Boolean.TRUE.equals(f.result())).count();
          msg.reply(new JsonObject().put("n", n));
        });
      }
      default -> msg.fail(ErrorCode.BAD_REQUEST.status(), "Unknown control action '" + op + "'.");
    }
  }

  private JsonObject tally(String channel) {
    List<LifecycleEvents.Live> here = channel == null ? local.all() : local.subscribers(channel);
    JsonArray users = new JsonArray();
    Set<String> seen = new HashSet<>();
    long anonymous = 0;
    for (LifecycleEvents.Live l : here) {
      String u = l.session().user();
      if (u == null) {
        anonymous++;
      } else if (seen.add(u)) {
        users.add(u);
      }
    }
    return new JsonObject().put("connections", here.size()).put("anonymous", anonymous).put("users", users);
  }

  private static Set<String> strings(JsonArray a) {
    Set<String> out = new LinkedHashSet<>();
    a.forEach(o -> out.add((String) o));
    return out;
  }
}
