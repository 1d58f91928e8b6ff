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

  private static final String DELIVERY_PREFIX = "rt.internal.delivery.";

  private Addresses() {
  }

  /**
   * The address a channel's deliveries are published on. Each connection node registers it once, on the
   * channel's first local subscriber, so a publish reaches each interested node exactly once.
   */
  public static String delivery(String channel) {
    return DELIVERY_PREFIX + channel;
  }

  public static boolean isDelivery(String address) {
    return address.startsWith(DELIVERY_PREFIX);
  }
}
