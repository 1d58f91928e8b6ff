package io.rtgw.presence.registry;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.ConnectionEntry;
import io.rtgw.protocol.ConnectionReport;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Replies;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.PresenceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence tier's side of lifecycle events (when {@code events.enabled}): applies the connection
 * instances' reports to the {@link ConnectionRegistry}, publishes the occupied and vacated events it
 * decides, and for a departed cluster member a disconnected event per connection it held (the channels
 * only it held vacate after the grace, like any other). Every {@link #VACATE_CHECK_MS} it asks the registry
 * for the channels whose grace is over. Answers the control API's queries from the registry.
 */
public final class LifecycleRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(LifecycleRegistry.class);
  static final String NODE_LEFT = "node left";
  /** How often the vacating marks past their grace are looked at: the most a vacated comes late. */
  static final long VACATE_CHECK_MS = 250;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final ConnectionRegistry registry;
  private final Predicate<String> isMember;
  private final EventBus bus;
  private final LifecycleMetrics metrics = LifecycleMetrics.create();
  /** Null unless events.url is set. */
  private final io.rtgw.protocol.events.EventPoster poster;
  private long vacateTimer = -1;
  /** A check still waiting for its store call: the next tick skips rather than pile up on a slow Redis. */
  private boolean vacating;

  public LifecycleRegistry(Vertx vertx, GatewayConfig config, Predicate<String> isMember) {
    this.vertx = vertx;
    this.config = config;
    this.isMember = isMember;
    this.bus = vertx.eventBus();
    this.registry = config.presence().store().equals(PresenceConfig.REDIS)
        ? new RedisConnectionRegistry(vertx, config.redis(), config.events().vacateGrace())
        : new MemoryConnectionRegistry(config.events().vacateGrace());
    this.poster = config.events().url() == null ? null
        : new io.rtgw.protocol.events.EventPoster(vertx, config.events(), metrics::posted);
  }

  /** Registers the consumers; completes once they are registered. */
  public Future<?> start() {
    if (config.events().vacateGrace() > 0) {
      vacateTimer = vertx.setPeriodic(VACATE_CHECK_MS, id -> vacate());
    }
    return Future.join(
        bus.<ConnectionReport>consumer(Addresses.CONNECTION_REPORT, m -> report(m.body())).completion(),
        bus.<JsonObject>consumer(Addresses.CONNECTION_QUERY, this::query).completion());
  }

  public Future<Void> close() {
    if (vacateTimer != -1) {
      vertx.cancelTimer(vacateTimer);
    }
    if (poster != null) {
      poster.close();
    }
    return registry.close();
  }

  /** The cluster agreed that {@code node} is gone: its connections disconnect, its channels may vacate. */
  public void removeNode(String node) {
    registry.removeNode(node, System.currentTimeMillis())
        .onSuccess(events -> {
          if (!events.isEmpty()) {
            LOG.info("Node {} left the cluster: {} lifecycle events", node, events.size());
          }
          publish(events);
        })
        .onFailure(e -> LOG.warn("Could not drop the connections of node {}: {}", node, e.getMessage()));
  }

  private void report(ConnectionReport report) {
    if (isMember.test(report.node())) {
      apply(report);
      return;
    }
    // as with presence reports: a new member may be heard a moment before its membership; a node still
    // unknown one heartbeat later was dropped by the cluster, and only what it took away still counts
    vertx.setTimer(config.cluster().heartbeatIntervalSeconds() * 1000L, id -> {
      if (isMember.test(report.node())) {
        apply(report);
      } else if (!report.closed().isEmpty() || !report.vacated().isEmpty()) {
        apply(new ConnectionReport(report.node(), report.holder(), List.of(), report.closed(), List.of(),
            report.vacated()));
      }
    });
  }

  /** Every presence instance checks; the store hands each due channel to one of them. */
  private void vacate() {
    if (vacating) {
      return;
    }
    vacating = true;
    registry.vacate(System.currentTimeMillis())
        .onComplete(ar -> vacating = false)
        .onSuccess(this::publish)
        .onFailure(e -> LOG.warn("Could not vacate the channels past their grace: {}", e.getMessage()));
  }

  private void apply(ConnectionReport report) {
    registry.apply(report, System.currentTimeMillis()).onSuccess(this::publish)
        .onFailure(e -> LOG.warn("Could not apply a connection report from {}: {}", report.node(), e.getMessage()));
  }

  private void publish(List<RegistryEvent> events) {
    long ts = System.currentTimeMillis();
    for (RegistryEvent e : events) {
      JsonObject body;
      if (e.connection() != null) {
        ConnectionEntry c = e.connection();
        body = new JsonObject().put(Fields.TYPE, e.type()).put(Fields.USER, c.user()).put("client", c.client())
            .put("transport", c.transport()).put("node", c.node()).put("ts", ts).put("reason", NODE_LEFT)
            .putNull(Fields.CODE);
      } else {
        if (!config.events().covers(ChannelName.namespace(e.channel()))) {
          continue;
        }
        body = new JsonObject().put(Fields.TYPE, e.type()).put(Fields.CHANNEL, e.channel()).put("ts", ts);
      }
      metrics.published(e.type());
      bus.publish(Addresses.event(e.type()), body);
      if (poster != null) {
        poster.add(body);
      }
    }
  }

  private void query(Message<JsonObject> msg) {
    JsonObject q = msg.body();
    String op = q == null ? null : q.getString("op");
    Future<JsonObject> answer;
    if ("connections".equals(op)) {
      answer = registry.connections(q.getString(Fields.USER)).map(list -> {
        JsonArray out = new JsonArray();
        list.forEach(c -> out.add(toJson(c)));
        return new JsonObject().put("connections", out);
      });
    } else if ("connection".equals(op)) {
      answer = registry.connection(q.getString("client"))
          .map(c -> new JsonObject().put("connection", c == null ? null : toJson(c)));
    } else if ("holders".equals(op)) {
      String channel = q.getString(Fields.CHANNEL);
      Future<Set<String>> holders = channel == null ? registry.holders() : registry.holders(channel);
      answer = holders.map(h -> new JsonObject().put("holders", new JsonArray(List.copyOf(h))));
    } else {
      answer = Future.failedFuture(GatewayException.badRequest("Unknown registry query '" + op + "'."));
    }
    answer.onSuccess(msg::reply).onFailure(e -> Replies.fail(msg, GatewayException.from(e, "registry")));
  }

  static JsonObject toJson(ConnectionEntry c) {
    return new JsonObject().put("client", c.client()).put(Fields.USER, c.user()).put("transport", c.transport())
        .put("node", c.node()).put("holder", c.holder()).put("since", c.since());
  }
}
