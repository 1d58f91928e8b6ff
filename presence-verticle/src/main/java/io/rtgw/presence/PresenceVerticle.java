package io.rtgw.presence;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.PresenceEvent;
import io.rtgw.protocol.PresenceMember;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.Replies;
import io.rtgw.protocol.Routes;
import io.rtgw.protocol.RoutesRead;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.PresenceConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence tier: applies the connection instances' batched reports, renews their leases, expires
 * the entries of leases that ran out, drops the entries of cluster members that left, answers queries,
 * and publishes each join and leave once on the channel's delivery address, where every node with
 * subscribers hears it; for a node-routed channel (personal channels), to each connection instance
 * history holds a route of.
 */
public final class PresenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);
  /** The field of a lease renewal's answer. */
  static final String HELD = "held";

  private GatewayConfig config;
  private PresenceStore store;
  private EventBus bus;
  private long sweepTimer;
  private PresenceMetrics metrics;
  private long entriesTimer;
  private boolean sweeping;
  private MemberView members;
  /** Null unless events.enabled: the connection registry behind lifecycle events and the control API. */
  private io.rtgw.presence.registry.LifecycleRegistry lifecycle;

  @Override
  public Future<?> start() {
    config = GatewayConfig.fromJson(config());
    store = createStore();
    bus = vertx.eventBus();
    members = new MemberView(vertx, config.cluster());
    sweepTimer = vertx.setPeriodic(config.presence().sweepMs(), id -> sweep());
    metrics = PresenceMetrics.create();
    // a gauge read at scrape time would ask Redis from the scraping thread; a count per sweep interval is fresh enough
    entriesTimer = vertx.setPeriodic(config.presence().sweepMs(), id -> countEntries());
    if (config.events().enabled()) {
      lifecycle = new io.rtgw.presence.registry.LifecycleRegistry(vertx, config, members::isMember);
    }
    return Future.join(java.util.List.of(
        lifecycle == null ? Future.succeededFuture() : lifecycle.start(),
        countEntries(),
        bus.<PresenceReport>consumer(Addresses.PRESENCE_REPORT, this::report).completion(),
        bus.<String>consumer(Addresses.PRESENCE_LEASE, this::lease).completion(),
        bus.<String>consumer(Addresses.NODE_LEFT, this::nodeLeft).completion(),
        bus.<JsonObject>consumer(Addresses.PRESENCE_QUERY, this::query).completion(),
        bus.<JsonObject>consumer(Addresses.PRESENCE_HEALTH, msg -> store.healthy().onComplete(ar ->
            msg.reply(new JsonObject().put("store", config.presence().store())
                .put("healthy", ar.succeeded() && ar.result())))).completion()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(entriesTimer);
    return lifecycle == null ? store.close() : Future.join(store.close(), lifecycle.close());
  }

  private PresenceStore createStore() {
    if (config.presence().store().equals(PresenceConfig.REDIS)) {
      return new RedisPresenceStore(vertx, config.redis());
    }
    return new MemoryPresenceStore();
  }

  /**
   * Answers every report (empty when applied, failed otherwise), so the reporter knows which reports to
   * make good: entries now live as long as their holder's lease, and nothing else would put back a join
   * that was lost.
   */
  private void report(Message<PresenceReport> msg) {
    PresenceReport report = msg.body();
    if (members.isMember(PresenceReport.nodeOf(report.node()))) {
      apply(msg, report);
    } else {
      // a member that just joined may reach us a moment before its membership does: one heartbeat
      // interval later, a node still unknown is one the cluster dropped (frozen, cut off), whose joins
      // and refreshes would be ghosts; its leaves can only remove, so they still count
      vertx.setTimer(config.cluster().heartbeatIntervalSeconds() * 1000L, id -> {
        if (members.isMember(PresenceReport.nodeOf(report.node()))) {
          apply(msg, report);
        } else if (!report.leaves().isEmpty()) {
          LOG.debug("Presence report from {}, not a member: only its leaves are applied", report.node());
          apply(null, new PresenceReport(report.node(), List.of(), report.leaves(), List.of()));
          notMember(msg, report.node());
        } else {
          notMember(msg, report.node());
        }
      });
    }
  }

  private void apply(Message<PresenceReport> msg, PresenceReport report) {
    store.apply(report, System.currentTimeMillis(), config.presence().ttlMs())
        .onSuccess(events -> {
          fanOut(events);
          if (msg != null) {
            msg.reply(new JsonObject());
          }
        })
        .onFailure(e -> {
          logFailure("Could not apply a presence report from " + report.node(), e);
          if (msg != null) {
            Replies.fail(msg, e);
          }
        });
  }

  /**
   * A lease renewal: one per connection instance and heartbeat. A holder whose node this member does not
   * list (after the same second look as a report's) is told its lease is not held, without touching the
   * store: renewing it would keep a dropped node's entries, and it re-asserts once it is back.
   */
  private void lease(Message<String> msg) {
    Object body = msg.body();
    if (!(body instanceof String holder)) {
      Replies.fail(msg, GatewayException.badRequest("A presence lease renewal must be the holder's id as a string."));
      return;
    }
    if (members.isMember(PresenceReport.nodeOf(holder))) {
      renew(msg, holder);
    } else {
      vertx.setTimer(config.cluster().heartbeatIntervalSeconds() * 1000L, id -> {
        if (members.isMember(PresenceReport.nodeOf(holder))) {
          renew(msg, holder);
        } else {
          msg.reply(new JsonObject().put(HELD, false));
        }
      });
    }
  }

  private void renew(Message<String> msg, String holder) {
    store.renew(holder, System.currentTimeMillis(), config.presence().ttlMs())
        .onSuccess(held -> msg.reply(new JsonObject().put(HELD, held)))
        .onFailure(e -> {
          logFailure("Could not renew the presence lease of " + holder, e);
          Replies.fail(msg, e);
        });
  }

  private static void notMember(Message<?> msg, String holder) {
    msg.fail(ErrorCode.UNAVAILABLE.status(), "Node " + PresenceReport.nodeOf(holder)
        + " is not a member of this cluster; its joins and refreshes are not applied.");
  }

  private void nodeLeft(Message<String> msg) {
    // looked at half a heartbeat interval later: a member back from a freeze drops the others one
    // after the other within milliseconds, and only once it has dropped them all does it see itself
    // alone; the first of them must not count as agreed
    vertx.setTimer(Math.max(1, config.cluster().heartbeatIntervalSeconds() * 500L), id -> removeNode(msg.body()));
  }

  private void removeNode(String node) {
    if (!members.agreesGone(node)) {
      LOG.info("Ignored a departure notice for node {}: this member's own view does not agree", node);
      return;
    }
    if (lifecycle != null) {
      lifecycle.removeNode(node);
    }
    store.removeNode(node)
        .onSuccess(events -> {
          if (!events.isEmpty()) {
            LOG.info("Node {} left the cluster: {} presence leaves", node, events.size());
          }
          fanOut(events);
        })
        .onFailure(e -> logFailure("Could not drop the presence of node " + node, e));
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    store.expire(System.currentTimeMillis())
        .onComplete(ar -> {
          sweeping = false;
          if (ar.succeeded()) {
            fanOut(ar.result());
          } else {
            logFailure("Presence sweep failed", ar.cause());
          }
        });
  }

  private void query(Message<JsonObject> msg) {
    try {
      Object body = msg.body();
      if (!(body instanceof JsonObject q)) {
        throw GatewayException.badRequest("A presence query must be a JSON object {\"channel\"}.");
      }
      String channel = ChannelName.require(q.getValue(Fields.CHANNEL));
      if (!config.namespaceOf(channel).presence()) {
        throw GatewayException.presenceOff(channel);
      }
      store.members(channel)
          .onSuccess(members -> msg.reply(new JsonObject().put(Fields.CHANNEL, channel).put(Fields.MEMBERS, toJson(members))))
          .onFailure(e -> Replies.fail(msg, e));
    } catch (RuntimeException e) {
      Replies.fail(msg, e);
    }
  }

  private static JsonArray toJson(List<PresenceMember> members) {
    JsonArray out = new JsonArray();
    for (PresenceMember m : members) {
      out.add(new JsonObject().put(Fields.USER, m.user()).put(Fields.CLIENTS, m.clients()));
    }
    return out;
  }

  /**
   * A store that is unavailable (Redis down) fails every report and sweep until it is back; the store
   * logs that change once, so the failures themselves are not worth a line each.
   */
  private static void logFailure(String what, Throwable e) {
    if (e instanceof GatewayException g && g.code() == ErrorCode.UNAVAILABLE) {
      LOG.debug("{}: {}", what, e.getMessage());
    } else {
      LOG.warn("{}: {}", what, e.getMessage());
    }
  }

  /**
   * Sets the entries gauge from the store. Also done at start, so the gauge never shows what a previous
   * instance of this process counted; a store that is down leaves it as it was and fails nothing.
   */
  private Future<Void> countEntries() {
    return store.entries().onSuccess(metrics::entries).<Void>mapEmpty().otherwiseEmpty();
  }

  private void fanOut(List<PresenceEvent> events) {
    metrics.published(events);
    for (PresenceEvent e : events) {
      if (nodeRouted(e.channel())) {
        sendToRoutes(e);
      } else {
        bus.publish(Addresses.delivery(e.channel()), e);
      }
    }
  }

  private boolean nodeRouted(String channel) {
    try {
      return config.namespaceOf(channel).nodeRouted();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * A node-routed channel's subscribers are on the instances its routes name, which only history knows:
   * one read per event. Presence events are not sequenced nor healed, so an event whose routes could not
   * be read is lost like one the bus lost; a client's presence query shows the truth.
   */
  private void sendToRoutes(PresenceEvent e) {
    bus.<Routes>request(Addresses.HISTORY_ROUTES_READ, new RoutesRead(e.channel()),
            new DeliveryOptions().setSendTimeout(config.delivery().requestTimeoutMs()))
        .onSuccess(reply -> reply.body().instances().forEach(instance -> bus.send(Addresses.node(instance), e)))
        .onFailure(err -> LOG.debug("Presence event of {} not delivered: its routes could not be read: {}",
            e.channel(), err.getMessage()));
  }
}
