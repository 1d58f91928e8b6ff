package io.rtgw.deploy;

import io.rtgw.connection.HttpErrors;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.MetricsConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The management port of a process that runs no connection tier (fanout, history, presence only): it has
 * no HTTP port of its own, so its tiers' meters are scraped here. {@code GET /metrics} only; the probes
 * belong to the connection tier, whose readiness they describe.
 */
final class MetricsOnlyVerticle extends VerticleBase {

  private HttpServer server;

  @Override
  public Future<?> start() {
    GatewayConfig config = GatewayConfig.fromJson(config());
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(MetricsConfig.REGISTRY));
    router.route().last().handler(ctx -> HttpErrors.send(ctx.response(), ErrorCode.NOT_FOUND,
        "This process runs no connection tier; its management port serves /metrics only."));
    server = vertx.createHttpServer().requestHandler(router);
    return server.listen(config.metrics().port(), config.http().host());
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }
}
