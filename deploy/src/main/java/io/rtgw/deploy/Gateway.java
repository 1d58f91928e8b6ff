package io.rtgw.deploy;

import io.rtgw.connection.ConnectionVerticle;
import io.rtgw.fanout.FanoutVerticle;
import io.rtgw.history.HistoryVerticle;
import io.rtgw.presence.PresenceVerticle;
import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.config.PresenceConfig;
import io.rtgw.protocol.codec.Codecs;
import io.rtgw.protocol.config.ConfigException;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.HistoryConfig;
import io.rtgw.protocol.config.RoleConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running gateway process: one Vertx (clustered or not) with the tiers its configuration names.
 * Tests start several of these; {@link Main} starts one.
 */
public final class Gateway {

  /** The cluster-wide lock the single memory-store history/presence member holds. */
  private static final String SINGLE_STATE_MEMBER_LOCK = "rtgw.single-state-member";
  private static final long SINGLE_STATE_MEMBER_WAIT_MS = 2_000;

  private final Vertx vertx;
  private final List<ConnectionVerticle> connections;
  private final List<String> deployments;
  private final String nodeId;

  private Gateway(Vertx vertx, List<ConnectionVerticle> connections, List<String> deployments, String nodeId) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.connections = connections;
    this.deployments = deployments;
  }

  /** Builds the Vertx the configuration asks for (clustered or local), then deploys the tiers. */
  public static Future<Gateway> start(GatewayConfig config) {
    Future<Vertx> vertx;
    HazelcastClusterManager manager = null;
    try {
      validate(config);
      if (config.cluster().enabled()) {
        manager = ClusterFactory.create(config.cluster());
      }
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(config.roles().eventLoopCount());
    stallReports(options);
    if (config.metrics().enabled()) {
      options.setMetricsOptions(metricsOptions());
    }
    if (manager != null) {
      options.getEventBusOptions().setHost(config.cluster().busHost()).setPort(config.cluster().busPort());
      vertx = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory()).withClusterManager(manager)
          .buildClustered();
    } else {
      vertx = Future.succeededFuture(Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory()).build());
    }
    HazelcastClusterManager cluster = manager;
    // completed outside any Vertx context: after a failed start the Vertx is closed, so its event
    // loops can no longer run the caller's callbacks
    io.vertx.core.Promise<Gateway> result = io.vertx.core.Promise.promise();
    vertx.onFailure(result::fail).onSuccess(v -> {
      Codecs.register(v);
      String nodeId = cluster != null ? cluster.getNodeId() : java.util.UUID.randomUUID().toString();
      if (cluster != null) {
        MembershipEvents.install(v, cluster, config.cluster());
      }
      ClusterMetrics.register(cluster);
      claimSingleStateMember(v, config).compose(x -> deploy(v, config.withNodeId(nodeId))).onSuccess(result::complete).onFailure(e -> {
        result.fail(e);
        v.close();
      });
    });
    return result.future();
  }

  /**
   * A process that runs history or presence on the memory store in a cluster (allowed only with
   * {@code cluster.singleStateMember}, see {@link #validate}) takes a cluster-wide lock and keeps it for
   * its lifetime; Hazelcast releases it when the member leaves or dies. A second such process cannot
   * take it and is refused, instead of starting a second, diverging copy of the channels' offsets.
   */
  private static Future<Void> claimSingleStateMember(Vertx vertx, GatewayConfig config) {
    if (!config.cluster().enabled() || !usesMemoryState(config)) {
      return Future.succeededFuture();
    }
    return vertx.sharedData().getLockWithTimeout(SINGLE_STATE_MEMBER_LOCK, SINGLE_STATE_MEMBER_WAIT_MS)
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new ConfigException("Another member of cluster " + config.cluster().name()
            + " already runs history or presence on the memory store (cluster.singleStateMember);"
            + " only one may, use the redis stores to run more.")));
  }

  private static boolean usesMemoryState(GatewayConfig config) {
    return (config.roles().history().enabled() && config.history().store().equals(HistoryConfig.MEMORY))
        || (config.roles().presence().enabled() && config.presence().store().equals(PresenceConfig.MEMORY));
  }

  /**
   * Deploys the configured tiers on the Vertx {@link #start} built, which the gateway owns: {@link #stop}
   * closes it. {@code config} is validated and carries this process's node id.
   */
  private static Future<Gateway> deploy(Vertx vertx, GatewayConfig config) {
    JsonObject json = config.toJson();
    List<ConnectionVerticle> connections = new CopyOnWriteArrayList<>();
    List<String> ids = new ArrayList<>();
    // history first, connection last: a connection node that accepts clients can reach the tiers it needs
    return deployRole(vertx, config.roles().history(), json, HistoryVerticle::new, ids)
        .compose(v -> deployRole(vertx, config.roles().presence(), json, PresenceVerticle::new, ids))
        .compose(v -> deployRole(vertx, config.roles().fanout(), json, FanoutVerticle::new, ids))
        .compose(v -> deployRole(vertx, config.roles().connection(), json, () -> {
          ConnectionVerticle c = new ConnectionVerticle();
          connections.add(c);
          return c;
        }, ids))
        .compose(v -> deployRole(vertx, metricsOnly(config), json, MetricsOnlyVerticle::new, ids))
        .compose(v -> config.demo().ticker()
            ? deployRole(vertx, new RoleConfig(true, 1), json, io.rtgw.deploy.demo.TickerVerticle::new, ids)
            : Future.succeededFuture())
        .map(v -> new Gateway(vertx, connections, ids, config.nodeId()));
  }

  /** The management port of a process without the connection tier, which otherwise serves it. */
  private static RoleConfig metricsOnly(GatewayConfig config) {
    boolean on = config.metrics().enabled() && config.metrics().managementPort() && !config.roles().connection().enabled();
    return new RoleConfig(on, 1);
  }

  /**
   * Vert.x's own metrics into the gateway's Prometheus registry, without the event bus's: every channel
   * has an address of its own, and a label per channel would grow without bound.
   */
  private static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName(io.rtgw.connection.metrics.GatewayMetrics.REGISTRY)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS);
  }

  /**
   * Rules that span sections, checked before anything starts.
   *
   * <p>A clustered process whose history or presence runs on the memory store is refused unless it says
   * it is the only one ({@code cluster.singleStateMember}): two of them would each sequence the same
   * channels with their own epochs and offsets, and each hold half of the members, a split brain that
   * shows only as alternating epochs and half-empty histories.
   */
  public static void validate(GatewayConfig config) {
    if (config.cluster().enabled() && !config.cluster().singleStateMember()) {
      refuseClusteredMemoryStore("history", config.roles().history(), config.history().store().equals(HistoryConfig.MEMORY));
      refuseClusteredMemoryStore("presence", config.roles().presence(), config.presence().store().equals(PresenceConfig.MEMORY));
    }
    if (config.roles().connection().enabled() && config.metrics().managementPort()
        && config.metrics().port().equals(config.http().port())) {
      throw new ConfigException("metrics.port must differ from http.port (both " + config.http().port()
          + "): the management port keeps /metrics and the probes off the client port.");
    }
    RoleConfig history = config.roles().history();
    if (history.enabled() && history.instances() > 1 && config.history().store().equals(HistoryConfig.MEMORY)) {
      throw new ConfigException("history.store \"memory\" allows one history instance (roles.history.instances = 1);"
          + " use the redis store to run more.");
    }
    RoleConfig presence = config.roles().presence();
    if (presence.enabled() && presence.instances() > 1 && config.presence().store().equals(PresenceConfig.MEMORY)) {
      throw new ConfigException("presence.store \"memory\" allows one presence instance (roles.presence.instances = 1);"
          + " use the redis store to run more.");
    }
  }

  private static void refuseClusteredMemoryStore(String tier, RoleConfig role, boolean memoryStore) {
    if (role.enabled() && memoryStore) {
      throw new ConfigException("A clustered " + tier + " tier cannot use " + tier + ".store \"memory\": a second"
          + " such process would keep its own copy (a split brain); use \"redis\", turn roles." + tier + " off,"
          + " or set cluster.singleStateMember if this is the only history and presence member.");
    }
  }

  /** This process's node id: the cluster member id when clustered. */
  public String nodeId() {
    return nodeId;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The HTTP port of this process's connection tier. */
  public int httpPort() {
    if (connections.isEmpty()) {
      throw new IllegalStateException("this process runs no connection tier");
    }
    return connections.get(0).actualPort();
  }

  /**
   * Undeploys the tiers one after the other, the last deployed first (the demo ticker, then connection,
   * fanout, presence, history), then closes the Vertx. The connection tier's undeploy completes only
   * after its drain ({@code http.drainMs}), so until its clients have moved, fanout, history and presence
   * in this process still serve their publishes, history reads and leaves; undeploying everything at
   * once answered them {@code unavailable} for the whole window. A tier that fails to stop does not keep
   * the others running; the first failure is the result.
   */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.transform(previous -> vertx.undeploy(id).transform(now ->
          previous.failed() ? Future.failedFuture(previous.cause()) : now.failed() ? Future.failedFuture(now.cause())
              : Future.succeededFuture()));
    }
    return chain.eventually(vertx::close);
  }

  private static Future<Void> deployRole(Vertx vertx, RoleConfig role, JsonObject config,
                                         java.util.function.Supplier<io.vertx.core.Deployable> verticle,
                                         List<String> ids) {
    if (!role.enabled()) {
      return Future.succeededFuture();
    }
    DeploymentOptions options = new DeploymentOptions().setConfig(config).setInstances(role.instances());
    return vertx.deployVerticle(verticle, options).map(id -> {
      ids.add(id);
      return null;
    });
  }

  /**
   * {@code -Drtgw.stallReportMs=N}: Vert.x's blocked-thread checker logs, with its stack, any event-loop
   * task running longer than N ms; it looks every N/5 ms, so a task is reported once it passes 1.2 N.
   * For finding what stalls a loop (docs/SCALING.md). Off by default: the default (2 s) is for blocking.
   */
  private static void stallReports(VertxOptions options) {
    String ms = System.getProperty("rtgw.stallReportMs");
    if (ms == null || ms.isBlank()) {
      return;
    }
    long n = Long.parseLong(ms.trim());
    options.setBlockedThreadCheckInterval(Math.max(1, n / 5)).setBlockedThreadCheckIntervalUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        .setMaxEventLoopExecuteTime(n).setMaxEventLoopExecuteTimeUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(n).setWarningExceptionTimeUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
  }
}
