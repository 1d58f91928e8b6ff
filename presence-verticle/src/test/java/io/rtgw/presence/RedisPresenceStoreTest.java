package io.rtgw.presence;

import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.testkit.RedisServer;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on Redis. A real redis-server, started for this class. */
class RedisPresenceStoreTest extends PresenceStoreContract {

  /** For ordinary calls: generous, as this machine's cores are shared. */
  static final long TIMEOUT_MS = 10_000;
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static RedisServer server;

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  /** Each test its own key prefix: a registry of its own on the shared server. */
  @Override
  protected PresenceStore createStore(Vertx vertx) {
    return new RedisPresenceStore(vertx, new RedisConfig(server.endpoint(), 10_000, TIMEOUT_MS,
        "t" + PREFIXES.incrementAndGet() + ":"));
  }
}
