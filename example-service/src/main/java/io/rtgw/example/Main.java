package io.rtgw.example;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.rtgw.service.RtgwService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the gateway's cluster as a plain Vert.x member (no gateway verticles) and answers its hooks.
 * Exits with status 1 and one sentence when a setting is wrong or the cluster cannot be joined.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    Vertx vertx;
    try {
      vertx = start(settings).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("The example service could not join cluster {} through {}: {}", settings.clusterName(),
          settings.members(), e.getMessage());
      System.exit(1);
      return;
    }
    LOG.info("example-service is in cluster {} (admins: {}); hooks on {}, {}, {}, {}", settings.clusterName(),
        settings.admins(), ExampleService.CONNECT, ExampleService.SUBSCRIBE, ExampleService.PUBLISH, ExampleService.RPC);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        // leave the cluster properly, so the gateway stops sending hook requests here at once
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Leaving the cluster failed: {}", e.getMessage());
      }
    }, "example-service-stop"));
  }

  static Future<Vertx> start(Settings settings) {
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(settings.host()).setPort(settings.busPort());
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast(settings)))
        .buildClustered()
        .compose(vertx -> new ExampleService(settings.admins(), System::currentTimeMillis)
            .register(RtgwService.create(vertx, "example-service"))
            .map(vertx)
            .recover(e -> vertx.close().transform(ar -> Future.failedFuture(e))));
  }

  /** Vert.x's own Hazelcast file (the maps it needs) with the gateway's kind of member settings. */
  static Config hazelcast(Settings settings) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(settings.clusterName());
    // a lite member holds no partition of the cluster's maps (Vert.x's subscription table among them):
    // services coming and going, or crashing, never make the gateway's members migrate or lose data
    hz.setLiteMember(settings.liteMember());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(settings.heartbeatIntervalSeconds()));
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(settings.maxNoHeartbeatSeconds()));
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(settings.port()).setPortAutoIncrement(false);
    net.getInterfaces().setEnabled(true).clear().addInterface(settings.host());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
    return hz;
  }
}
