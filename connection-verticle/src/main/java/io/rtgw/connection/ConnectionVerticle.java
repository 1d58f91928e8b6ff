package io.rtgw.connection;

import io.rtgw.connection.http.AccessLog;
import io.rtgw.connection.http.CertificateReloader;
import io.rtgw.connection.http.Cors;
import io.rtgw.connection.http.DemoTokens;
import io.rtgw.connection.http.Draining;
import io.rtgw.connection.http.HttpApi;
import io.rtgw.connection.http.RequestChecks;
import io.rtgw.connection.http.RouteErrors;
import io.rtgw.connection.internal.VertxInternals;
import io.rtgw.connection.poll.PollTransport;
import io.rtgw.connection.session.AccessRules;
import io.rtgw.connection.session.Authenticator;
import io.rtgw.connection.session.Limits;
import io.rtgw.connection.session.NodeLimits;
import io.rtgw.connection.session.Requests;
import io.rtgw.connection.session.Sessions;
import io.rtgw.connection.sse.SseTransport;
import io.rtgw.connection.ws.WsTransport;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.TlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.TimeoutHandler;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection tier: the client-facing HTTP server with its transports, and this node's table of
 * channels with local subscribers. It reaches the other tiers only over the event bus.
 */
public final class ConnectionVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionVerticle.class);
  /**
   * The endpoints browsers call from other origins, under the allow-list: a WebSocket upgrade from a page
   * of another origin is refused with 403 before it is made, like any cross-origin request.
   */
  private static final List<String> CROSS_ORIGIN_PATHS = List.of("/ws", "/sse", "/poll", "/messages", "/publish", "/rpc",
      "/history", "/presence", "/realtime.js", "/realtime.d.ts");
  /** Where clients arrive, refused while the node drains. */
  private static final List<String> TRANSPORT_PATHS = List.of("/ws", "/sse", "/poll", "/messages");

  private GatewayConfig config;
  private ChannelHub hub;
  private PresenceReporter presence;
  private WsTransport ws;
  private SseTransport sse;
  private PollTransport polls;
  private HttpApi api;
  private Authenticator auth;
  private io.rtgw.connection.hooks.Hooks hooks;
  private io.rtgw.connection.session.UserPublishRate userRate;
  private io.rtgw.connection.http.HeaderDeadline headerDeadline;
  private HttpServer server;
  /** {@code /metrics} and the probes apart from the client port ({@code metrics.port}); null when off. */
  private HttpServer management;
  private HttpServerOptions serverOptions;
  /** Null unless TLS is on with {@code http.tls.reloadSeconds}. */
  private CertificateReloader certificates;
  private VertxInternals internals;
  private volatile boolean draining;
  private volatile boolean listening;
  private Tiers tiers;
  private OutageWatch outage;
  private NodeLimits nodeLimits;
  private NodeInstances instances;
  private io.rtgw.connection.events.LifecycleEvents lifecycle;
  private io.rtgw.connection.control.Control control;

  @Override
  public Future<?> start() {
    config = GatewayConfig.fromJson(config());
    tiers = new Tiers(vertx, config.delivery().requestTimeoutMs());
    internals = VertxInternals.create(config.http().vertxInternals());
    String node = config.nodeId() != null ? config.nodeId() : UUID.randomUUID().toString();
    presence = new PresenceReporter(vertx, node, config.presence());
    AccessRules rules = new AccessRules(config);
    // the instances of this deployment are one node: its limits count them together
    String deployment = context.deploymentID();
    nodeLimits = NodeLimits.join(vertx, deployment, config.limits());
    // one id per instance: the registry records which instance holds what, and each has a control address
    String holder = node + "/" + UUID.randomUUID().toString().substring(0, 8);
    instances = NodeInstances.join(vertx, deployment, holder, this::counters);
    // node-routed channels are delivered to this instance's own address: unique per start, as the
    // node id is (the cluster manager's, or a fresh one)
    hub = new ChannelHub(vertx, tiers, config.delivery(), node + "." + instances.number(vertx), node,
        this::nodeRouted);
    userRate = io.rtgw.connection.session.UserPublishRate.create(vertx, config, nodeLimits);
    hooks = new io.rtgw.connection.hooks.Hooks(vertx, config);
    Requests requests = new Requests(rules, tiers, userRate, hooks);
    lifecycle = new io.rtgw.connection.events.LifecycleEvents(vertx, config.events(), node, holder);
    control = new io.rtgw.connection.control.Control(vertx, config, lifecycle, instances::holders);
    Sessions sessions = new Sessions(hub, rules, presence, hooks, lifecycle);
    auth = new Authenticator(vertx, config.auth(), config.identity(), deployment);
    Limits limits = new Limits(config.limits(), config.http().trustedProxies(), nodeLimits);
    ws = new WsTransport(vertx, config, sessions, requests, auth, limits, internals);
    sse = new SseTransport(vertx, config, sessions, auth, limits, internals);
    polls = new PollTransport(vertx, config, sessions, auth, limits, tiers, presence);
    api = new HttpApi(auth, requests, limits);
    headerDeadline = new io.rtgw.connection.http.HeaderDeadline(vertx, config.http().headerTimeoutMs());
    serverOptions = serverOptions();
    server = vertx.createHttpServer(serverOptions)
        // an HTTP connection keeps Vert.x's own outbound queue: swapped for a small one as it opened, 2
        // of 10 runs of a keep-alive connection with responses past the socket's buffers stranded a
        // response (OutboundQueues' class comment)
        .connectionHandler(headerDeadline::opened)
        .invalidRequestHandler(RequestChecks::invalid)
        .requestHandler(router(limits));
    if (vertx.isClustered()) {
      watchMembership();
    }
    if (config.auth().jwt().usesDevelopmentSecret()) {
      LOG.warn("auth.jwt.hmacSecrets holds the DEVELOPMENT secret shipped in conf/standalone.json: anyone can "
          + "sign tokens with it, and {} hands them out to whoever asks. Never run a node reachable by others with it.",
          DemoTokens.PATH);
    }
    Future<HttpServer> clients = control.start().compose(v -> hub.started()).compose(v -> tiers.started())
        .compose(v -> server.listen(sharedPort(config.http().port(), 1), config.http().host()))
        .onSuccess(s -> {
          listening = true;
          LOG.info("Connection tier listening on {}:{} ({})", config.http().host(), s.actualPort(),
              config.http().tls().enabled() ? "TLS, HTTP/2 and HTTP/1.1" : config.http().h2c() ? "HTTP/1.1 and h2c" : "HTTP/1.1");
        });
    TlsConfig tls = config.http().tls();
    if (tls.enabled() && tls.reloadSeconds() > 0) {
      certificates = new CertificateReloader(vertx, server, serverOptions.getSslOptions(), tls);
      clients = clients.compose(s -> certificates.start().map(s));
    }
    if (!config.metrics().managementPort()) {
      return clients;
    }
    Router routes = Router.router(vertx);
    operatorRoutes(routes);
    routes.route().last().handler(ctx -> HttpErrors.send(ctx.response(), ErrorCode.NOT_FOUND,
        "The management port serves /metrics, /health/live and /health/ready only."));
    management = vertx.createHttpServer().requestHandler(routes);
    return clients.compose(s -> management.listen(sharedPort(config.metrics().port(), 2), config.http().host()))
        .onSuccess(m -> LOG.info("Management port {}: /metrics, /health/live, /health/ready", m.actualPort()));
  }

  /**
   * Drains: health turns 503 and newcomers on every transport are refused; within the drain window each
   * WebSocket client is told to reconnect, each SSE stream ends and each held poll is answered, every one
   * at its own random moment, so they arrive at other nodes spread out; whoever is still here at the
   * window's end is closed (WebSocket with 1001). The window is waited out whenever any client is here.
   */
  @Override
  public Future<?> stop() {
    draining = true;
    // before the drain: a stopping instance's loop no longer answers for the node's /health
    instances.leave(vertx, context.deploymentID());
    if (certificates != null) {
      certificates.stop();
    }
    if (outage != null) {
      outage.close();
    }
    io.rtgw.connection.metrics.GatewayMetrics.current().draining(true);
    long window = config.http().drainMs();
    int clients = ws.size() + sse.size() + polls.size();
    if (clients > 0 && window > 0) {
      LOG.info("Draining {} WebSocket connections, {} SSE streams and {} held polls over {} ms", ws.size(),
          sse.size(), polls.size(), window);
    } else {
      LOG.info("Draining: {} clients connected, stopping at once", clients);
    }
    ws.drain(window);
    sse.drain(window);
    polls.drain(window);
    Promise<Void> drained = Promise.promise();
    if (window <= 0 || clients == 0) {
      drained.complete();
    } else {
      vertx.setTimer(window, id -> drained.complete());
    }
    return drained.future().compose(v -> {
      ws.closeAll();
      sse.closeAll();
      polls.closeAll();
      presence.close();
      lifecycle.close();
      auth.close();
      hooks.close();
      nodeLimits.leave(vertx);
      return Future.join(List.of(server.close(), hub.close(), userRate.close(), tiers.close(),
          management == null ? Future.succeededFuture() : management.close()));
    });
  }

  /** Whether {@code channel}'s namespace is node-routed; a channel of no known namespace is not. */
  private boolean nodeRouted(String channel) {
    try {
      return config.namespaceOf(channel).nodeRouted();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * What the cluster's membership means for this node's clients: a member that left may have been the
   * last of a tier (what waits on it fails now); a merge back after being cut off puts back the presence
   * entries the cluster dropped and catches every channel up from history; no history or fanout within
   * reach for {@code delivery.outageNoticeMs} sends the clients elsewhere.
   */
  private void watchMembership() {
    long noticeMs = config.delivery().outageNoticeMs();
    if (noticeMs > 0) {
      outage = new OutageWatch(vertx, noticeMs, this::stepAside);
    }
    vertx.eventBus().localConsumer(io.rtgw.protocol.Addresses.NODE_LEFT, m -> {
      tiers.memberLeft();
      if (outage != null) {
        outage.check();
      }
    });
    vertx.eventBus().localConsumer(io.rtgw.protocol.Addresses.CLUSTER_REJOINED, m -> {
      presence.refreshAll();
      hub.checkPositionsNow();
      if (outage != null) {
        outage.check();
      }
    });
  }

  /**
   * Like a drain, without stopping: every WebSocket client is told to reconnect at a random moment
   * within {@code delivery.outageReconnectWindowMs} (and closed with 1001 at its end if still here), SSE
   * streams end and held polls are answered within it. They resume from their positions on a node that
   * can serve them, losing nothing; this node takes clients again once it is ready.
   */
  private void stepAside() {
    if (draining) {
      return;
    }
    long window = config.delivery().outageReconnectWindowMs();
    LOG.warn("History or fanout out of reach: telling {} WebSocket clients, {} SSE streams and {} held polls to "
        + "reconnect elsewhere within {} ms", ws.size(), sse.size(), polls.size(), window);
    io.rtgw.connection.metrics.GatewayMetrics.current().outageNotice();
    ws.drain(window);
    sse.drain(window);
    polls.drain(window);
    vertx.setTimer(Math.max(1, window), id -> ws.closeOpen("cut off from the cluster; reconnect elsewhere and resume"));
  }

  /**
   * The port every instance of the tier listens on. A fixed port is one socket for all of them, Vert.x
   * handing accepted connections to the instances in turn; but port 0 would give each instance a random
   * port of its own, and clients would only ever reach the first. A negative port is Vert.x's random port
   * shared by every server listening on the same negative number, so 0 becomes {@code -group}: one
   * random port for the client servers, another for the management servers.
   */
  private static int sharedPort(int configured, int group) {
    return configured == 0 ? -group : configured;
  }

  /** The port actually bound (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions()
        // The limit is enforced per message, where Vert.x reports it and the session can close with 1009
        // cleanly. The frame decoder's cap sits above it: past that cap Netty drops the connection at once,
        // with the rest of the frame unread, and the client sees a reset instead of 1009.
        .setMaxWebSocketFrameSize(2 * config.websocket().maxFrameBytes())
        .setMaxWebSocketMessageSize(config.websocket().maxFrameBytes())
        .setMaxInitialLineLength(RequestChecks.MAX_REQUEST_LINE)
        .setRegisterWebSocketWriteHandlers(false)
        .setPerMessageWebSocketCompressionSupported(config.websocket().compression())
        .setPerFrameWebSocketCompressionSupported(config.websocket().compression())
        .setTcpNoDelay(true)
        // Every write to a client comes from the connection's own event loop (its verticle's context), so
        // Vert.x can write HTTP/1.1 connections straight to Netty: no outbound message queue per connection,
        // whose first chunk alone is 4.5 KB of every SSE stream and held poll. A write from another thread
        // would now throw instead of being queued; none exists.
        .setStrictThreadMode(true)
        .setIdleTimeout((int) (long) config.http().idleTimeoutMs())
        .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        .setHttp2ClearTextEnabled(config.http().h2c());
    TlsConfig tls = config.http().tls();
    if (tls.enabled()) {
      // ALPN offers HTTP/2 first, then HTTP/1.1 (WebSocket upgrades and older clients)
      options.setSsl(true)
          .setUseAlpn(true)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
    }
    return options;
  }

  private Router router(Limits limits) {
    Router router = Router.router(vertx);
    if (config.http().accessLog()) {
      router.route().handler(new AccessLog(limits::clientIp));
    }
    router.route().handler(headerDeadline::handle);
    router.route().handler(RequestChecks::framing);
    router.route().handler(RequestChecks::query);
    Cors cors = new Cors(config.http().allowedOrigins());
    CROSS_ORIGIN_PATHS.forEach(path -> router.route(path).handler(cors));
    Draining gate = new Draining(() -> draining);
    TRANSPORT_PATHS.forEach(path -> router.get(path).handler(gate));
    router.get("/ws").handler(ctx -> ws.upgrade(ctx.request()));
    router.get("/sse").handler(sse::open);
    router.get("/poll").handler(polls::longPoll);
    router.get("/messages").handler(polls::shortPoll);
    router.post("/publish")
        .handler(TimeoutHandler.create(config.http().bodyTimeoutMs(), RouteErrors.BODY_TIMEOUT))
        .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
        .handler(api::publish);
    router.post("/control")
        .handler(TimeoutHandler.create(config.http().bodyTimeoutMs(), RouteErrors.BODY_TIMEOUT))
        .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
        .handler(ctx -> control.http(ctx, auth));
    router.post("/rpc")
        .handler(TimeoutHandler.create(config.http().bodyTimeoutMs(), RouteErrors.BODY_TIMEOUT))
        .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
        .handler(api::rpc);
    router.get("/history").handler(api::history);
    router.get("/presence").handler(api::presence);
    if (config.auth().jwt().usesDevelopmentSecret()) {
      router.get(DemoTokens.PATH).handler(new DemoTokens(vertx,
          config.auth().jwt(), config.demo().tokenTtlSeconds())::handle);
    }
    router.get("/health").handler(new HealthCheck(vertx.eventBus(),
        () -> instances.counters(vertx.getOrCreateContext()), () -> draining)::handle);
    if (!config.metrics().managementPort()) {
      operatorRoutes(router);
    }
    router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().last().handler(ctx -> HttpErrors.send(ctx.response(), ErrorCode.NOT_FOUND, RouteErrors.notFound(ctx)));
    RouteErrors.install(router, config.http().maxBodyBytes(), config.http().bodyTimeoutMs());
    return router;
  }

  /** What an operator's tools call: on the client port, or on the management port when there is one. */
  private void operatorRoutes(Router router) {
    router.get("/metrics").handler(metricsEndpoint());
    new Probes(vertx, () -> listening, () -> draining, config.cluster().expectsPeers()).route(router);
  }

  /** Prometheus text from the launcher's registry; where metrics are off, a 404 that says so. */
  private io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> metricsEndpoint() {
    if (io.vertx.micrometer.backends.BackendRegistries.getNow(io.rtgw.connection.metrics.GatewayMetrics.REGISTRY) == null) {
      return ctx -> HttpErrors.send(ctx.response(), ErrorCode.NOT_FOUND,
          "Metrics are off on this node (metrics.enabled is false).");
    }
    return io.vertx.micrometer.PrometheusScrapingHandler.create(io.rtgw.connection.metrics.GatewayMetrics.REGISTRY);
  }

  private JsonObject counters() {
    return new JsonObject()
        .put("connections", ws.size())
        .put("sseStreams", sse.size())
        .put("heldPolls", polls.size())
        .put("channels", hub.channelCount())
        .put("vertxInternals", internals.enabled());
  }
}
