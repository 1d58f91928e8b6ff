package io.rtgw.deploy;

import io.rtgw.connection.ConnectionVerticle;
import io.rtgw.fanout.FanoutVerticle;
import io.rtgw.history.HistoryVerticle;
import io.rtgw.protocol.codec.Codecs;
import io.rtgw.protocol.config.ConfigException;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.HistoryConfig;
import io.rtgw.protocol.config.RoleConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A running gateway process: one Vertx (clustered or not) with the tiers its configuration names.
 * Tests start several of these; {@link Main} starts one.
 */
public final class Gateway {

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final List<ConnectionVerticle> connections;
  private final List<String> deployments;

  private Gateway(Vertx vertx, boolean ownsVertx, List<ConnectionVerticle> connections, List<String> deployments) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.connections = connections;
    this.deployments = deployments;
  }

  /** Builds the Vertx the configuration asks for (clustered or local), then deploys the tiers. */
  public static Future<Gateway> start(GatewayConfig config) {
    validate(config);
    Future<Vertx> vertx;
    if (config.cluster().enabled()) {
      VertxOptions options = new VertxOptions();
      options.getEventBusOptions().setHost(config.cluster().busHost()).setPort(config.cluster().busPort());
      vertx = Vertx.builder().with(options).withClusterManager(ClusterFactory.create(config.cluster())).buildClustered();
    } else {
      vertx = Future.succeededFuture(Vertx.vertx());
    }
    // completed outside any Vertx context: after a failed start the Vertx is closed, so its event
    // loops can no longer run the caller's callbacks
    io.vertx.core.Promise<Gateway> result = io.vertx.core.Promise.promise();
    vertx.onFailure(result::fail).onSuccess(v -> {
      Codecs.register(v);
      deploy(v, config, true).onSuccess(result::complete).onFailure(e -> {
        result.fail(e);
        v.close();
      });
    });
    return result.future();
  }

  /** Deploys the configured tiers on a Vertx someone else built (and registered the codecs on). */
  public static Future<Gateway> deploy(Vertx vertx, GatewayConfig config, boolean ownsVertx) {
    validate(config);
    JsonObject json = config.toJson();
    List<ConnectionVerticle> connections = new CopyOnWriteArrayList<>();
    List<String> ids = new ArrayList<>();
    // history first, connection last: a connection node that accepts clients can reach the tiers it needs
    return deployRole(vertx, config.roles().history(), json, HistoryVerticle::new, ids)
        .compose(v -> deployRole(vertx, config.roles().fanout(), json, FanoutVerticle::new, ids))
        .compose(v -> deployRole(vertx, config.roles().connection(), json, () -> {
          ConnectionVerticle c = new ConnectionVerticle();
          connections.add(c);
          return c;
        }, ids))
        .map(v -> new Gateway(vertx, ownsVertx, connections, ids));
  }

  /** Rules that span sections, checked before anything starts. */
  public static void validate(GatewayConfig config) {
    RoleConfig history = config.roles().history();
    if (history.enabled() && history.instances() > 1 && config.history().store().equals(HistoryConfig.MEMORY)) {
      throw new ConfigException("history.store \"memory\" allows one history instance (roles.history.instances = 1);"
          + " use the redis store to run more.");
    }
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

  public Future<Void> stop() {
    List<Future<Void>> undeploys = new ArrayList<>();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      undeploys.add(vertx.undeploy(deployments.get(i)));
    }
    Future<Void> all = Future.join(undeploys).mapEmpty();
    return ownsVertx ? all.eventually(vertx::close) : all;
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
}
