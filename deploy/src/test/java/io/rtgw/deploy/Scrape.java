package io.rtgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.testkit.HttpCalls;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@code GET /metrics}: every sample by its series ({@code name{labels}}), and deltas between two
 * scrapes, since one test JVM runs many gateways into the one process registry.
 */
record Scrape(Map<String, Double> samples) {

  static Scrape of(HttpCalls http, String path) {
    HttpCalls.Reply reply = http.get(path);
    assertThat(reply.status()).as("GET " + path).isEqualTo(200);
    return parse(reply.text());
  }

  static Scrape parse(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return new Scrape(out);
  }

  double value(String series) {
    assertThat(samples).as("series " + series).containsKey(series);
    return samples.get(series);
  }

  /** How far {@code series} moved since {@code before}; it must exist now. */
  double since(Scrape before, String series) {
    return value(series) - before.samples.getOrDefault(series, 0.0);
  }
}
