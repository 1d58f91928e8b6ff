package io.rtgw.deploy;

import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.testkit.HttpCalls;
import io.rtgw.testkit.RedisServer;
import io.rtgw.testkit.SseClient;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One gateway for a test class, and the clients to talk to it. Registered on a static field, it starts the
 * gateway before the class's own {@code @BeforeAll} methods (which may then add bus interceptors or warm it
 * up) and stops it after the class's {@code @AfterAll} methods:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayExtension gateway = GatewayExtension.standalone("GATEWAY_PRESENCE_HEARTBEAT_MS", "200");
 * ...
 * try (WsClient alice = gateway.ws("user=alice")) { ... }
 * }</pre>
 *
 * <p>The gateway is {@link TestGateways#standalone} with the given overrides: loopback, a random port, no
 * demo ticker, no drain window. {@link #withRedis} starts a {@code redis-server} of its own first and points
 * {@code redis.endpoint} at it; which stores use it is up to the overrides.
 *
 * <p>Clients from {@link #ws} and {@link #sse} are closed after the test that asked for them (in reverse
 * order), or at the end of the class when asked for outside a test; closing one earlier, as a test that
 * drops a connection does, is fine. {@link #http()} and {@link #clients()} serve the whole class.
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final boolean withRedis;
  private final String[] envPairs;
  private final HttpCalls http = new HttpCalls(this::port);
  private final List<AutoCloseable> classClients = new ArrayList<>();
  private final List<AutoCloseable> testClients = new ArrayList<>();
  private volatile boolean inTest;
  /** The class that started the gateway: a @Nested class inherits the extension and shares the gateway. */
  private String owner;
  private RedisServer redis;
  private GatewayConfig config;
  private Gateway gateway;
  private Vertx clients;

  private GatewayExtension(boolean withRedis, String... envPairs) {
    if (envPairs.length % 2 != 0) {
      throw new IllegalArgumentException("overrides come in pairs: name, value");
    }
    this.withRedis = withRedis;
    this.envPairs = envPairs.clone();
  }

  /** A standalone gateway with these environment overrides ({@code "GATEWAY_X", "value", ...}). */
  public static GatewayExtension standalone(String... envPairs) {
    return new GatewayExtension(false, envPairs);
  }

  /**
   * A standalone gateway with a {@code redis-server} of its own: {@code GATEWAY_REDIS_ENDPOINT} is set, the
   * overrides say which stores use it (e.g. {@code "GATEWAY_HISTORY_STORE", "redis"}).
   */
  public static GatewayExtension withRedis(String... envPairs) {
    return new GatewayExtension(true, envPairs);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (owner != null) {
      return;
    }
    owner = context.getUniqueId();
    List<String> env = new ArrayList<>();
    if (withRedis) {
      redis = RedisServer.start();
      env.addAll(List.of("GATEWAY_REDIS_ENDPOINT", redis.endpoint()));
    }
    env.addAll(List.of(envPairs));
    config = TestGateways.standalone(env.toArray(String[]::new));
    gateway = WsClient.await(Gateway.start(config));
    clients = Vertx.vertx();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (gateway == null) {
      throw new IllegalStateException("GatewayExtension starts its gateway per class: register it on a static field");
    }
    inTest = true;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    inTest = false;
    RuntimeException failure = closeAll(testClients);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!context.getUniqueId().equals(owner)) {
      return;
    }
    // runs even when beforeAll failed half-way: stop whatever did start
    RuntimeException failure = closeAll(classClients);
    failure = attempt(failure, http::close);
    failure = attempt(failure, () -> {
      if (clients != null) {
        WsClient.await(clients.close());
      }
    });
    failure = attempt(failure, () -> {
      if (gateway != null) {
        WsClient.await(gateway.stop());
      }
    });
    failure = attempt(failure, () -> {
      if (redis != null) {
        redis.close();
      }
    });
    gateway = null;
    clients = null;
    redis = null;
    owner = null;
    if (failure != null) {
      throw failure;
    }
  }

  /** The gateway's HTTP port (WebSocket, SSE, polling and the HTTP API). */
  public int port() {
    return started().httpPort();
  }

  /** The configuration the gateway runs with, overrides applied. */
  public GatewayConfig config() {
    started();
    return config;
  }

  /** The gateway's own Vert.x: its event bus is where services publish and tests intercept. */
  public Vertx vertx() {
    return started().vertx();
  }

  public String nodeId() {
    return started().nodeId();
  }

  /** A Vert.x for clients, apart from the gateway's, closed at the end of the class. */
  public Vertx clients() {
    started();
    return clients;
  }

  /**
   * Plain HTTP calls to the gateway, for the whole class. The same client before the gateway starts, so a
   * class may keep it in a static field; its calls need the gateway running.
   */
  public HttpCalls http() {
    return http;
  }

  /** The class's {@code redis-server}; only with {@link #withRedis}. */
  public RedisServer redis() {
    started();
    if (redis == null) {
      throw new IllegalStateException("this gateway has no Redis: use GatewayExtension.withRedis");
    }
    return redis;
  }

  /** A WebSocket client on {@code /ws?query} ({@code null}: no query), closed after the test. */
  public WsClient ws(String query) {
    return track(WsClient.connect(clients(), port(), query));
  }

  /** An event stream on {@code uri} (e.g. {@code /sse?channel=chat:x}), closed after the test. */
  public SseClient sse(String uri) {
    return sse(uri, Map.of());
  }

  public SseClient sse(String uri, Map<String, String> headers) {
    return track(SseClient.open(clients(), port(), uri, headers));
  }

  private Gateway started() {
    if (gateway == null) {
      throw new IllegalStateException("the gateway is not running: register GatewayExtension on a static field"
          + " and use it from tests or @BeforeAll methods");
    }
    return gateway;
  }

  private <T extends AutoCloseable> T track(T client) {
    List<AutoCloseable> owner = inTest ? testClients : classClients;
    synchronized (owner) {
      owner.add(client);
    }
    return client;
  }

  /** Closes the clients, the last handed out first; all of them even if one fails. */
  private static RuntimeException closeAll(List<AutoCloseable> handedOut) {
    RuntimeException failure = null;
    List<AutoCloseable> toClose;
    synchronized (handedOut) {
      toClose = new ArrayList<>(handedOut);
      handedOut.clear();
    }
    for (int i = toClose.size() - 1; i >= 0; i--) {
      failure = attempt(failure, toClose.get(i)::close);
    }
    return failure;
  }

  private interface Step {
    void run() throws Exception;
  }

  private static RuntimeException attempt(RuntimeException failure, Step step) {
    try {
      step.run();
      return failure;
    } catch (Exception | AssertionError e) {
      RuntimeException wrapped = e instanceof RuntimeException r ? r : new IllegalStateException("clean-up failed", e);
      if (failure == null) {
        return wrapped;
      }
      failure.addSuppressed(e);
      return failure;
    }
  }
}
