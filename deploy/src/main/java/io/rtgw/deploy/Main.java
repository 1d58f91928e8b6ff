package io.rtgw.deploy;

import io.rtgw.protocol.config.ConfigException;
import io.rtgw.protocol.config.ConfigLoader;
import io.rtgw.protocol.config.GatewayConfig;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar gateway.jar [config.json]}: starts the gateway; without an argument, standalone. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final int EXIT_BAD_CONFIG = 2;
  private static final int EXIT_START_FAILED = 1;

  private Main() {
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 1) {
      System.err.println("usage: java -jar gateway.jar [config.json]");
      System.exit(EXIT_BAD_CONFIG);
    }
    GatewayConfig config;
    try {
      config = ConfigLoader.load(args.length == 1 ? args[0] : null, System.getenv());
      Gateway.validate(config);
    } catch (ConfigException e) {
      System.err.println("rtgw: bad configuration: " + e.getMessage());
      System.exit(EXIT_BAD_CONFIG);
      return;
    }
    CountDownLatch started = new CountDownLatch(1);
    Gateway.start(config).onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof ConfigException e) {
        // found only once the cluster is reached or its file read: still the configuration's fault
        System.err.println("rtgw: bad configuration: " + e.getMessage());
        System.exit(EXIT_BAD_CONFIG);
      }
      if (ar.failed()) {
        System.err.println("rtgw: could not start: " + sentence(ar.cause()));
        System.exit(EXIT_START_FAILED);
      }
      Gateway gateway = ar.result();
      LOG.info("rtgw started: {}", StartLine.of(config, gateway));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        long stopping = System.currentTimeMillis();
        LOG.info("rtgw stopping: node {}", gateway.nodeId());
        try {
          gateway.stop().await(30, TimeUnit.SECONDS);
          LOG.info("rtgw stopped: node {} in {} ms", gateway.nodeId(), System.currentTimeMillis() - stopping);
        } catch (Exception e) {
          LOG.warn("Stopping took too long: {}", e.getMessage());
        }
      }, "rtgw-shutdown"));
      started.countDown();
    });
    started.await();
  }

  private static String sentence(Throwable e) {
    if (e instanceof BindException || (e.getCause() instanceof BindException)) {
      return "the port is already in use (" + e.getMessage() + "); set GATEWAY_HTTP_PORT to another port.";
    }
    if (e instanceof ConfigException) {
      return e.getMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
