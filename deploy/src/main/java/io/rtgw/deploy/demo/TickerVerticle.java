package io.rtgw.deploy.demo;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.config.DemoConfig;
import io.rtgw.protocol.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An example internal service: it knows nothing of the gateway but the public {@code rt.publish}
 * address, and publishes made-up prices (a random walk, clearly demo data) to the ticker channel.
 */
public final class TickerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TickerVerticle.class);
  private final Map<String, Double> prices = new LinkedHashMap<>(Map.of("ACME", 120.0, "GLOBEX", 48.5, "INITECH", 9.75));
  private long timer;

  @Override
  public Future<?> start() {
    DemoConfig demo = GatewayConfig.fromJson(config()).demo();
    timer = vertx.setPeriodic(demo.tickerIntervalMs(), id -> tick(demo.tickerChannel()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void tick(String channel) {
    JsonObject quote = new JsonObject();
    prices.replaceAll((sym, p) -> Math.max(0.01, p * (1 + ThreadLocalRandom.current().nextGaussian() * 0.002)));
    prices.forEach((sym, p) -> quote.put(sym, Math.round(p * 100) / 100.0));
    vertx.eventBus().request(Addresses.PUBLISH, new JsonObject().put(Fields.CHANNEL, channel)
            .put(Fields.DATA, new JsonObject().put("prices", quote)).put(Fields.FROM, "ticker-demo"))
        .onFailure(e -> LOG.debug("Ticker publish failed: {}", e.getMessage()));
  }
}
