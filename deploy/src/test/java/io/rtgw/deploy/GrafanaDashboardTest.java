package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * deploy/grafana/rtgw-dashboard.json against a real scrape of a gateway on the Redis stores after a short
 * session: every metric a panel queries exists, and every {@code rtgw_*} metric the gateway exports is
 * described in docs/OPERATIONS.md. No Grafana runs here: the queries are checked by name, not rendered.
 */
class GrafanaDashboardTest {

  private static final Path DASHBOARD = Path.of("grafana/rtgw-dashboard.json");
  private static final Path OPERATIONS = Path.of("../docs/OPERATIONS.md");
  private static final Pattern METRIC = Pattern.compile("\\brtgw_[a-z_]+");

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.withRedis("GATEWAY_HISTORY_STORE", "redis",
      "GATEWAY_PRESENCE_STORE", "redis");

  @Test
  void every_metric_the_dashboard_queries_is_in_a_real_scrape() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    assertThat(dashboard.getString("uid")).isNotBlank();
    List<String> exprs = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonObject panel = (JsonObject) p;
      assertThat(ids.add(panel.getInteger("id"))).as("panel ids are unique").isTrue();
      if (panel.getString("type").equals("row")) {
        continue;
      }
      assertThat(panel.getJsonObject("datasource").getString("type")).isEqualTo("prometheus");
      JsonArray targets = panel.getJsonArray("targets");
      assertThat(targets).as(panel.getString("title")).isNotEmpty();
      targets.forEach(t -> exprs.add(((JsonObject) t).getString("expr")));
    }
    Set<String> queried = new TreeSet<>();
    exprs.forEach(e -> names(e, queried));

    Set<String> scraped = scrapedNames();
    assertThat(scraped).as("metrics the dashboard queries").containsAll(queried);
    String operations = Files.readString(OPERATIONS);
    Set<String> documented = new TreeSet<>();
    names(operations, documented);
    assertThat(documented).as("rtgw metrics described in docs/OPERATIONS.md")
        .containsAll(scraped.stream().filter(n -> n.startsWith("rtgw_")).map(GrafanaDashboardTest::family).toList());
  }

  /** A session that makes every lazily named series appear (a close reason). */
  private static Set<String> scrapedNames() {
    try (WsClient ws = gateway.ws("user=dash")) {
      ws.subscribe("chat:dash");
      ws.publish("chat:dash", 1);
      ws.awaitMessages("chat:dash", 1);
    }
    Set<String> names = new TreeSet<>();
    io.rtgw.testkit.Eventually.eventually(WsClient.TIMEOUT, () -> {
      names.clear();
      for (String series : Scrape.of(gateway.http(), "/metrics").samples().keySet()) {
        int brace = series.indexOf('{');
        names.add(brace < 0 ? series : series.substring(0, brace));
      }
      assertThat(names).contains("rtgw_connections_closed_total");
    });
    return names;
  }

  /** A histogram's or counter's name as OPERATIONS.md writes it: without _bucket, _count, _sum, _max. */
  private static String family(String name) {
    return name.replaceAll("_(bucket|count|sum|max)$", "");
  }

  private static void names(String text, Set<String> into) {
    Matcher m = METRIC.matcher(text);
    while (m.find()) {
      into.add(m.group());
    }
  }
}
