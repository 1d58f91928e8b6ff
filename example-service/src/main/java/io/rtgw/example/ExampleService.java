package io.rtgw.example;

import io.rtgw.service.ConnectAnswer;
import io.rtgw.service.ConnectRequest;
import io.rtgw.service.ProtocolCode;
import io.rtgw.service.PublishAnswer;
import io.rtgw.service.PublishRequest;
import io.rtgw.service.RpcAnswer;
import io.rtgw.service.RpcRequest;
import io.rtgw.service.RtgwService;
import io.rtgw.service.SubscribeRequest;
import io.rtgw.service.Verdict;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example's application logic: who may connect (users with a name), who may read chat:secret
 * (admins), what a publish to chat:shout becomes (upper case), the rpc method {@code time}, and a log
 * line per lifecycle event. No thread, no blocking call: every answer is computed at once.
 */
public final class ExampleService {

  private static final Logger LOG = LoggerFactory.getLogger(ExampleService.class);

  /** The addresses to name in the gateway's hook configuration (see this module's README). */
  public static final String CONNECT = "app.hooks.connect";
  public static final String SUBSCRIBE = "app.hooks.subscribe";
  public static final String PUBLISH = "app.hooks.publish";
  public static final String RPC = "app.hooks.rpc";

  static final String SECRET = "chat:secret";
  static final String SHOUT = "chat:shout";

  private final Set<String> admins;
  private final LongSupplier clock;

  public ExampleService(Set<String> admins, LongSupplier clock) {
    this.admins = Set.copyOf(admins);
    this.clock = clock;
  }

  /** Registers every hook and event handler; completes when all are on the bus. */
  public Future<Void> register(RtgwService rtgw) {
    return Future.all(java.util.List.of(
        rtgw.onConnect(CONNECT, r -> Future.succeededFuture(connect(r))),
        rtgw.onSubscribe(SUBSCRIBE, r -> Future.succeededFuture(subscribe(r))),
        rtgw.onPublish(PUBLISH, r -> Future.succeededFuture(publish(r))),
        rtgw.onRpc(RPC, r -> Future.succeededFuture(rpc(r))),
        rtgw.onConnected(e -> LOG.info("connected user={} client={} transport={} node={}", e.user(), e.client(), e.transport(), e.node())),
        rtgw.onDisconnected(e -> LOG.info("disconnected user={} client={} reason='{}' code={}", e.user(), e.client(), e.reason(), e.code())),
        rtgw.onSubscribed(e -> LOG.info("subscribed user={} client={} channel={}", e.user(), e.client(), e.channel())),
        rtgw.onUnsubscribed(e -> LOG.info("unsubscribed user={} client={} channel={}", e.user(), e.client(), e.channel())),
        rtgw.onOccupied(e -> LOG.info("occupied channel={}", e.channel())),
        rtgw.onVacated(e -> LOG.info("vacated channel={}", e.channel())))).mapEmpty();
  }

  ConnectAnswer connect(ConnectRequest r) {
    if (r.user() == null || r.user().isBlank()) {
      return ConnectAnswer.refuse(ProtocolCode.UNAUTHORIZED, "This application needs a user name to connect.");
    }
    return ConnectAnswer.allow().withInfo(new JsonObject().put("admin", admins.contains(r.user())));
  }

  Verdict subscribe(SubscribeRequest r) {
    if (SECRET.equals(r.channel()) && (r.user() == null || !admins.contains(r.user()))) {
      return Verdict.refuse(ProtocolCode.FORBIDDEN, "Only admins may subscribe to " + SECRET + ".");
    }
    return Verdict.allow();
  }

  PublishAnswer publish(PublishRequest r) {
    return SHOUT.equals(r.channel()) ? PublishAnswer.replace(upper(r.data())) : PublishAnswer.allow();
  }

  RpcAnswer rpc(RpcRequest r) {
    if ("time".equals(r.method())) {
      long now = clock.getAsLong();
      return RpcAnswer.of(new JsonObject().put("now", now).put("iso", Instant.ofEpochMilli(now).toString()));
    }
    return RpcAnswer.error(ProtocolCode.NOT_FOUND, "There is no rpc method '" + r.method() + "'; try 'time'.");
  }

  /** Every string in a JSON value in upper case: keys and structure stay as they are. */
  static Object upper(Object data) {
    if (data instanceof String s) {
      return s.toUpperCase(Locale.ROOT);
    }
    if (data instanceof JsonObject o) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> e : o) {
        out.put(e.getKey(), upper(e.getValue()));
      }
      return out;
    }
    if (data instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      for (Object v : a) {
        out.add(upper(v));
      }
      return out;
    }
    return data;
  }
}
