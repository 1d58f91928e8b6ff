package io.rtgw.connection.hooks;

import io.rtgw.connection.session.Identity;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.HookConfig;
import io.rtgw.protocol.config.HooksConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The application's hooks for one connection verticle (PROTOCOL.md, "Backend hooks"): what each asks
 * and what its answer changes. A hook that is off costs one null check; every future here completes on
 * the caller's event loop, and a refusal fails it with the protocol's error.
 */
public final class Hooks {

  public static final int MAX_METHOD_LENGTH = 128;

  private final HttpClient http;
  private final io.rtgw.connection.session.ClientIds clientIds = new io.rtgw.connection.session.ClientIds();
  private final Hook connect;
  private final Hook refresh;
  private final Hook rpc;
  private final Map<String, Hook> subscribe = new HashMap<>();
  private final Map<String, Hook> publish = new HashMap<>();

  public Hooks(Vertx vertx, GatewayConfig config) {
    HooksConfig hooks = config.hooks();
    int max = hooks.maxAnswerBytes();
    boolean anyUrl = hooks.connect().url() != null || hooks.refresh().url() != null || hooks.rpc().url() != null
        || config.namespaces().values().stream().anyMatch(ns -> ns.hooks().subscribe().url() != null
        || ns.hooks().publish().url() != null);
    // one pool per verticle, kept alive: a hook is asked often, and a new connection per ask would cost a handshake
    this.http = anyUrl ? vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(64)) : null;
    this.connect = hook(vertx, "connect", hooks.connect(), max);
    this.refresh = hook(vertx, "refresh", hooks.refresh(), max);
    this.rpc = hook(vertx, "rpc", hooks.rpc(), max);
    config.namespaces().forEach((name, ns) -> {
      Hook s = hook(vertx, "subscribe", ns.hooks().subscribe(), max);
      Hook p = hook(vertx, "publish", ns.hooks().publish(), max);
      if (s != null) {
        subscribe.put(name, s);
      }
      if (p != null) {
        publish.put(name, p);
      }
    });
  }

  private Hook hook(Vertx vertx, String name, HookConfig config, int max) {
    return config.on() ? new Hook(vertx, name, config, max, http) : null;
  }

  /** A client id to tell the connect hook, then the session's own (ids are random: any generator will do). */
  public String nextClientId() {
    return clientIds.next();
  }

  public boolean connectOn() {
    return connect != null;
  }

  /**
   * Asks the connect hook about a client that proved {@code who} (anonymous included). An allow may
   * name the user, add info and channels (subscribed at once, like a token's channels claim) and set an
   * expiry, which the refresh hook then renews. Without a connect hook, {@code who} as it is.
   */
  public Future<Identity> connect(String transport, Identity who, String ip, MultiMap headers, String client) {
    if (connect == null) {
      return Future.succeededFuture(who);
    }
    JsonObject asked = new JsonObject().put("hook", "connect").put("transport", transport).put("user", who.user())
        .putNull("claims").put("ip", ip).put("headers", named(headers, connect.config())).put("client", client);
    if (who.info() != null) {
      asked.put("claims", who.info());
    }
    return connect.decide(asked, Hooks::connectProblem).map(answer -> {
      String user = answer.getString("user", who.user());
      Long expiresAt = answer.getValue("expiresAt") instanceof Number n ? n.longValue() : who.expiresAt();
      Set<String> grants = new HashSet<>(who.grants());
      JsonArray channels = answer.getJsonArray("channels");
      if (channels != null) {
        channels.forEach(c -> grants.add((String) c));
      }
      return new Identity(user, expiresAt, grants, false, answer.getJsonObject("info", who.info()),
          answer.getValue("expiresAt") instanceof Number);
    });
  }

  /** Whether a subscribe to {@code channel} asks its namespace's hook. */
  public boolean subscribeOn(String channel) {
    return subscribe.get(ChannelName.namespace(channel)) != null;
  }

  /** Asks the channel's subscribe hook; succeeds at once where its namespace has none. */
  public Future<Void> subscribe(String transport, Identity who, String client, String channel) {
    Hook hook = subscribe.get(ChannelName.namespace(channel));
    if (hook == null) {
      return Future.succeededFuture();
    }
    return hook.decide(new JsonObject().put("hook", "subscribe").put("user", who.user()).put("client", client)
        .put("channel", channel).put("transport", transport), a -> null).mapEmpty();
  }

  /** Whether a client's publish to {@code channel} asks its namespace's hook. */
  public boolean publishOn(String channel) {
    return publish.get(ChannelName.namespace(channel)) != null;
  }

  /**
   * Asks the channel's publish hook about a client's message; the answer is the data to fan out (the
   * hook's replacement, or {@code data} as it came), as raw JSON text.
   */
  public Future<String> publish(Identity who, String client, String channel, String data) {
    Hook hook = publish.get(ChannelName.namespace(channel));
    if (hook == null) {
      return Future.succeededFuture(data);
    }
    JsonObject asked = new JsonObject().put("hook", "publish").put("user", who.user()).put("client", client)
        .put("channel", channel).put("data", Json.decodeValue(data));
    return hook.decide(asked, a -> null).map(answer -> answer.containsKey("data") ? Json.encode(answer.getValue("data"))
        : data);
  }

  /** Whether connections whose expiry the connect hook set are renewed by the refresh hook. */
  public boolean refreshOn() {
    return refresh != null;
  }

  public long beforeExpiryMs() {
    return refresh == null ? 0 : refresh.config().beforeExpiryMs();
  }

  /**
   * Asks the refresh hook to renew a connection: an allow gives its new expiry (none: it no longer
   * expires) and may replace its info; a refusal fails.
   */
  public Future<Identity> refresh(Identity who, String client) {
    JsonObject asked = new JsonObject().put("hook", "refresh").put("user", who.user()).put("client", client)
        .put("info", who.info());
    return refresh.decide(asked, a -> a.containsKey("expiresAt") && !(a.getValue("expiresAt") instanceof Number)
        ? "an 'expiresAt' that is not a number" : a.containsKey("info") && !(a.getValue("info") instanceof JsonObject)
        ? "an 'info' that is not an object" : null).map(answer -> {
          Long expiresAt = answer.getValue("expiresAt") instanceof Number n ? n.longValue() : null;
          return new Identity(who.user(), expiresAt, who.grants(), false, answer.getJsonObject("info", who.info()),
              true);
        });
  }

  /**
   * Forwards a client's rpc to the application: the answer's {@code data} as raw JSON text, or the
   * application's error (one of the protocol's codes; bad_request otherwise).
   */
  public Future<String> rpc(Identity who, String client, String method, String data) {
    if (rpc == null) {
      return Future.failedFuture(new GatewayException(io.rtgw.protocol.ErrorCode.NOT_FOUND,
          "This server forwards no rpc calls (hooks.rpc is not configured)."));
    }
    if (method == null || method.isEmpty() || method.length() > MAX_METHOD_LENGTH) {
      return Future.failedFuture(GatewayException.badRequest("The field 'method' must be a string of 1 to "
          + MAX_METHOD_LENGTH + " characters."));
    }
    JsonObject asked = new JsonObject().put("hook", "rpc").put("user", who.user()).put("client", client)
        .put("method", method).put("data", Json.decodeValue(data));
    return rpc.call(asked, a -> a.getValue("error") instanceof JsonObject || a.containsKey("data") ? null
        : "neither 'data' nor an 'error' object").compose(answer -> {
          JsonObject error = answer.getValue("error") instanceof JsonObject e ? e : null;
          if (error != null) {
            GatewayException e = Hook.refusal(error.getValue("code"), error.getValue("message"));
            boolean known = error.getValue("code") instanceof String s && s.equals(e.code().code());
            return Future.failedFuture(known ? e : GatewayException.badRequest(e.getMessage()));
          }
          return Future.succeededFuture(Json.encode(answer.getValue("data")));
        });
  }

  public void close() {
    if (http != null) {
      http.close();
    }
  }

  private static JsonObject named(MultiMap headers, HookConfig config) {
    JsonObject out = new JsonObject();
    if (headers != null) {
      for (String h : config.headers()) {
        String v = headers.get(h);
        if (v != null) {
          out.put(h, v);
        }
      }
    }
    return out;
  }

  private static String connectProblem(JsonObject a) {
    Object user = a.getValue("user");
    if (user != null && (!(user instanceof String s) || s.isEmpty() || s.length() > Identity.MAX_USER_ID_LENGTH
        || !ChannelName.isValid(ChannelName.personal(s)))) {
      return "a 'user' that is not a valid user id";
    }
    if (a.containsKey("expiresAt") && !(a.getValue("expiresAt") instanceof Number)) {
      return "an 'expiresAt' that is not a number";
    }
    if (a.containsKey("info") && !(a.getValue("info") instanceof JsonObject)) {
      return "an 'info' that is not an object";
    }
    Object channels = a.getValue("channels");
    if (channels != null) {
      if (!(channels instanceof JsonArray list)) {
        return "a 'channels' that is not a list";
      }
      for (Object c : list) {
        if (!(c instanceof String name) || !ChannelName.isValid(name)) {
          return "a 'channels' list with an invalid channel name";
        }
      }
    }
    return null;
  }
}
