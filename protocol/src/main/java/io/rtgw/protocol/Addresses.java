package io.rtgw.protocol;

/**
 * Every event-bus address the gateway uses. No other module spells an address literal.
 *
 * <p>The first three are public (PROTOCOL.md, "Event bus"); the rest are the gateway's own and may
 * change without notice.
 */
public final class Addresses {

  /** Internal services publish here: JsonObject {channel, data, from} -> {channel, epoch, offset}. */
  public static final String PUBLISH = "rt.publish";
  /** JsonObject {channel} -> {channel, members}. */
  public static final String PRESENCE_QUERY = "rt.presence.query";
  /** JsonObject {channel, since, limit} -> as GET /history. */
  public static final String HISTORY_QUERY = "rt.history.query";

  /** Lifecycle events, published (JsonObject; PROTOCOL.md, "Lifecycle events"): a client connected. */
  public static final String EVENTS_CONNECTED = "rt.events.connected";
  public static final String EVENTS_DISCONNECTED = "rt.events.disconnected";
  public static final String EVENTS_SUBSCRIBED = "rt.events.subscribed";
  public static final String EVENTS_UNSUBSCRIBED = "rt.events.unsubscribed";
  /** The channel's first subscriber anywhere in the cluster; {@link #EVENTS_VACATED}: its last one gone. */
  public static final String EVENTS_OCCUPIED = "rt.events.occupied";
  public static final String EVENTS_VACATED = "rt.events.vacated";
  /** The control API: JsonObject {op, ...} -> its answer, or a failure with the protocol's error code. */
  public static final String CONTROL = "rt.control";

  /** Connection instances report opens, closes and local occupancy here ({@link ConnectionReport}), batched. */
  public static final String CONNECTION_REPORT = "rt.internal.events.report";
  /** The connection registry answers queries: JsonObject {op: connections|holders, user?, client?, channel?}. */
  public static final String CONNECTION_QUERY = "rt.internal.events.query";

  /** Connection nodes publish on behalf of clients here ({@link PublishCommand}); client rules apply. */
  public static final String CLIENT_PUBLISH = "rt.internal.publish.client";
  /** Fanout asks history to sequence and store a message ({@link AppendCommand} -> {@link AppendResult}). */
  public static final String HISTORY_APPEND = "rt.internal.history.append";
  /** Connection nodes read history ({@link HistoryRead} -> {@link HistoryPage}). */
  public static final String HISTORY_READ = "rt.internal.history.read";

  /**
   * Connection nodes ask which channels were appended to since their last question ({@link ChangesRead}
   * -> {@link ChannelChanges}): one request per node per position check, whatever the number of channels.
   */
  public static final String HISTORY_CHANGES = "rt.internal.history.changes";
  /** Connection nodes read many channels' positions at once ({@link PositionsRead} -> {@link Positions}). */
  public static final String HISTORY_POSITIONS = "rt.internal.history.positions";

  /** Connection nodes report joins, leaves and heartbeats here ({@link PresenceReport}), batched. */
  public static final String PRESENCE_REPORT = "rt.internal.presence.report";
  /**
   * A connection instance renews its presence lease here once per heartbeat: a String, its holder id
   * ({@link PresenceReport#holder}); the answer is JsonObject {held}, false when the registry lost its
   * entries or the lease had run out, and the instance then re-asserts them.
   */
  public static final String PRESENCE_LEASE = "rt.internal.presence.lease";
  /**
   * The launcher publishes a cluster member's node id here when the cluster manager reports that it
   * left; the presence tier removes that node's clients at once.
   */
  public static final String NODE_LEFT = "rt.internal.cluster.node-left";
  /**
   * Local to each process, never sent to another: the launcher publishes here when this member, after
   * being cut off, has merged back into the cluster, so the tiers here put back what the others dropped
   * (presence entries) and catch up on what they missed (deliveries, from history).
   */
  public static final String CLUSTER_REJOINED = "rt.internal.cluster.rejoined";

  /** Any history instance answers whether its store is reachable: JsonObject {store, healthy}. */
  public static final String HISTORY_HEALTH = "rt.internal.history.health";
  /** Any presence instance answers whether its store is reachable: JsonObject {store, healthy}. */
  public static final String PRESENCE_HEALTH = "rt.internal.presence.health";

  /**
   * Connection instances add and remove the routes of their node-routed channels here ({@link RouteChanges}
   * -> Boolean true once stored), batched: one request per instance at a time.
   */
  public static final String HISTORY_ROUTES = "rt.internal.history.routes";
  /** The live routes of one node-routed channel ({@link RoutesRead} -> {@link Routes}): presence events use it. */
  public static final String HISTORY_ROUTES_READ = "rt.internal.history.routes.read";
  /**
   * Each connection instance refreshes its lease here ({@link RouteLease} -> Boolean, false when the lease
   * had expired or never existed: the instance then asserts all its routes again). Routes of an instance
   * without a live lease are skipped by appends and removed.
   */
  public static final String HISTORY_LEASE = "rt.internal.history.lease";

  private static final String DELIVERY_PREFIX = "rt.internal.delivery.";
  private static final String CONTROL_PREFIX = "rt.internal.control.";
  private static final String NODE_PREFIX = "rt.internal.node.";
  private static final String ANSWERS_PREFIX = "rt.internal.answers.";

  private Addresses() {
  }

  /**
   * The address a channel's deliveries are published on. Each connection node registers it once, on the
   * channel's first local subscriber, so a publish reaches each interested node exactly once.
   */
  public static String delivery(String channel) {
    return DELIVERY_PREFIX + channel;
  }

  /** Where one connection-verticle instance takes control actions for the connections it holds. */
  public static String control(String holder) {
    return CONTROL_PREFIX + holder;
  }

  /** The lifecycle event address of an event type (connected, disconnected, ...). */
  public static String event(String type) {
    return "rt.events." + type;
  }

  public static boolean isDelivery(String address) {
    return address.startsWith(DELIVERY_PREFIX);
  }

  /**
   * A connection instance's own address ({@code instance}: its node id, a dot, its number), registered once
   * at its start: deliveries of node-routed channels ({@link Message}, {@link PresenceEvent}) are sent
   * there, one per routed instance, and it dispatches them by channel.
   */
  public static String node(String instance) {
    return NODE_PREFIX + instance;
  }

  /**
   * Where one instance that asks another tier (a fanout instance, a connection instance) takes the answers
   * to what it asked ({@link Answers}), registered once at its start.
   */
  public static String answers(String instance) {
    return ANSWERS_PREFIX + instance;
  }

  public static boolean isNodeDelivery(String address) {
    return address.startsWith(NODE_PREFIX);
  }
}
