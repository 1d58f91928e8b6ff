package io.rtgw.connection.session;

import io.rtgw.protocol.config.LimitsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connection counts of one node, shared by every connection-verticle instance of its deployment:
 * connections in all, per client IP and per user, the connection rate per IP, the HTTP API's per-caller
 * rates ({@link CallerRates}), and with the memory store the per-user publish rate. Each instance runs on
 * an event loop of its own, so a count per instance would let N instances hold N times each limit.
 *
 * <p>Every check and its increment are one atomic step (a compare-and-set, or one key's
 * {@link ConcurrentHashMap#compute}), so two instances admitting at the same moment cannot both take
 * the last slot; nothing waits on anything but that one key's update, so no event loop blocks. The
 * object lives in Vert.x's local shared data under the deployment's id: the instances of one deployment
 * find the same one, another deployment in the same Vertx (a test's second node) gets its own, and the
 * last instance to stop removes it.
 */
public final class NodeLimits implements Shareable {

  /** Past this many IPs with a rate bucket, buckets that are full again are forgotten. */
  static final int MAX_RATE_BUCKETS = 10_000;

  private static final String MAP = "rtgw.connection.nodeLimits";

  private final LimitsConfig config;
  private final String deployment;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perIp = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> perUser = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, TokenBucket> ratePerIp = new ConcurrentHashMap<>();
  /** The per-user publish rate's buckets with the memory store ({@link MemoryUserPublishRate}). */
  private final ConcurrentHashMap<String, TokenBucket> userPublishes = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  /** The HTTP API's per-caller rates: the node's, whichever instance a request lands on. */
  private final CallerRates callerRates;
  /** How many instances hold this object; the last {@link #leave} removes it from the shared map. */
  private int holders;

  NodeLimits(LimitsConfig config, String deployment) {
    this.config = config;
    this.deployment = deployment;
    this.callerRates = new CallerRates(config);
  }

  /**
   * The node's counts for the connection-verticle deployment {@code deployment}, created by its first
   * instance; every caller {@link #leave}s once when it stops.
   */
  public static NodeLimits join(Vertx vertx, String deployment, LimitsConfig config) {
    LocalMap<String, NodeLimits> map = vertx.sharedData().getLocalMap(MAP);
    return map.compute(deployment, (k, existing) -> {
      NodeLimits limits = existing != null ? existing : new NodeLimits(config, deployment);
      limits.holders++;
      return limits;
    });
  }

  /** This instance no longer counts on the object; the last one out removes it. */
  public void leave(Vertx vertx) {
    LocalMap<String, NodeLimits> map = vertx.sharedData().getLocalMap(MAP);
    map.computeIfPresent(deployment, (k, limits) -> --limits.holders <= 0 ? null : limits);
  }

  /** Takes a node-wide slot if there is one. */
  boolean takeNodeSlot() {
    int max = config.connectionsPerNode();
    if (max <= 0) {
      total.incrementAndGet();
      return true;
    }
    for (int now = total.get(); now < max; now = total.get()) {
      if (total.compareAndSet(now, now + 1)) {
        return true;
      }
    }
    return false;
  }

  void releaseNodeSlot() {
    total.updateAndGet(n -> Math.max(0, n - 1));
  }

  /** Takes a slot of {@code ip} if it has one (limits.connectionsPerIp). */
  boolean takeIpSlot(String ip) {
    return take(perIp, ip, config.connectionsPerIp());
  }

  void releaseIpSlot(String ip) {
    perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Takes a slot of {@code user} if it has one (limits.connectionsPerUser). */
  boolean takeUserSlot(String user) {
    return take(perUser, user, config.connectionsPerUser());
  }

  void releaseUserSlot(String user) {
    perUser.computeIfPresent(user, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** One token of {@code ip}'s connection rate, taken under that key's update: buckets are not thread-safe. */
  boolean takeRate(String ip) {
    if (ratePerIp.size() >= MAX_RATE_BUCKETS) {
      ratePerIp.keySet().forEach(k -> ratePerIp.computeIfPresent(k, (key, b) -> b.full() ? null : b));
    }
    boolean[] taken = new boolean[1];
    ratePerIp.compute(ip, (k, b) -> {
      TokenBucket bucket = b != null ? b : new TokenBucket(config.connectionRatePerIp(), config.connectionRatePerIp());
      taken[0] = bucket.take();
      return bucket;
    });
    return taken[0];
  }

  CallerRates callerRates() {
    return callerRates;
  }

  ConcurrentHashMap<String, TokenBucket> userPublishBuckets() {
    return userPublishes;
  }

  void countRefusal() {
    refused.incrementAndGet();
  }

  /** Connections the node holds, every instance together. */
  public int connections() {
    return total.get();
  }

  /** Connections refused so far on this node (any limit). */
  public long refused() {
    return refused.get();
  }

  int rateBuckets() {
    return ratePerIp.size();
  }

  private static boolean take(ConcurrentHashMap<String, Integer> counts, String key, int max) {
    boolean[] taken = new boolean[1];
    counts.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      if (max > 0 && now >= max) {
        return n;
      }
      taken[0] = true;
      return now + 1;
    });
    return taken[0];
  }
}
