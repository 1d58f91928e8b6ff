package io.rtgw.bench.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the runs into the summary: for every scenario and figure, each server's median with its spread
 * (min to max over the rounds), and the gateway's ratio to each of the others.
 */
final class Report {

  static final List<String> PEERS = List.of("socketio", "nchan", "floor");

  private Report() {
  }

  /** Adds {@code summary}: one row per scenario and figure. */
  static void summarize(JsonObject results, List<String> servers) {
    Map<String, Map<String, Map<String, List<Double>>>> rows = new LinkedHashMap<>();
    Map<String, Map<String, String>> notes = new LinkedHashMap<>();
    for (Object o : results.getJsonArray("runs")) {
      JsonObject run = (JsonObject) o;
      String scenario = run.getString("scenario");
      String server = run.getString("server");
      if (!"ok".equals(run.getString("status"))) {
        notes.computeIfAbsent(scenario, k -> new LinkedHashMap<>()).put(server, run.getString("status"));
        continue;
      }
      run.getJsonObject("figures").forEach(e -> rows.computeIfAbsent(scenario + "|" + e.getKey(), k -> new LinkedHashMap<>())
          .computeIfAbsent(server, k -> new LinkedHashMap<>())
          .computeIfAbsent("v", k -> new ArrayList<>()).add(((Number) e.getValue()).doubleValue()));
    }
    JsonArray summary = new JsonArray();
    rows.forEach((key, perServer) -> {
      String scenario = key.substring(0, key.indexOf('|'));
      String figure = key.substring(key.indexOf('|') + 1);
      JsonObject row = new JsonObject().put("scenario", scenario).put("figure", figure)
          .put("better", lowerIsBetter(figure) ? "lower" : "higher");
      JsonObject values = new JsonObject();
      for (String server : servers) {
        Map<String, List<Double>> v = perServer.get(server);
        if (v != null) {
          List<Double> xs = new ArrayList<>(v.get("v"));
          xs.sort(Double::compare);
          values.put(server, new JsonObject().put("median", median(xs)).put("min", xs.get(0))
              .put("max", xs.get(xs.size() - 1)).put("rounds", xs.size()).put("all", new JsonArray(new ArrayList<>(v.get("v")))));
        } else {
          String status = notes.getOrDefault(scenario, Map.of()).get(server);
          values.put(server, new JsonObject().put("status", status == null ? "not run" : status));
        }
      }
      row.put("servers", values);
      JsonObject ratios = new JsonObject();
      JsonObject gw = values.getJsonObject("gateway");
      for (String peer : PEERS) {
        JsonObject p = values.getJsonObject(peer);
        if (gw != null && p != null && gw.containsKey("median") && p.containsKey("median") && p.getDouble("median") != 0) {
          ratios.put("gateway/" + peer, gw.getDouble("median") / p.getDouble("median"));
        }
      }
      summary.add(row.put("ratios", ratios));
    });
    results.put("summary", summary);
  }

  static boolean lowerIsBetter(String figure) {
    return figure.endsWith("_ms") || figure.contains("cpu") || figure.contains("writes") || figure.startsWith("kb_per_conn") || figure.startsWith("idle_rss")
        || figure.equals("lost") || figure.equals("duplicates") || figure.equals("failed_reconnects")
        || figure.equals("lossy_clients") || figure.equals("publish_errors") || figure.startsWith("server_closes")
        || figure.contains("kb_per_conn") || figure.startsWith("redis_") || figure.startsWith("failed")
        || figure.equals("error_frames") || figure.equals("without_inbox")
        // counts of things that went wrong or late, and lags: fewer and shorter are better
        || figure.contains("over_10ms") || figure.contains("_ms_") || figure.startsWith("opens_never")
        || figure.equals("idle_failed");
  }

  /**
   * {@code Report <results.json>}: summarizes a results file again and rewrites its markdown beside it,
   * e.g. after a figure's better direction was corrected.
   */
  public static void main(String[] args) throws java.io.IOException {
    java.nio.file.Path json = java.nio.file.Path.of(args[0]);
    JsonObject results = new JsonObject(java.nio.file.Files.readString(json));
    List<String> servers = results.getJsonObject("settings").getJsonArray("servers").stream().map(String::valueOf).toList();
    summarize(results, servers);
    java.nio.file.Files.writeString(json, results.encodePrettily());
    java.nio.file.Path md = json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", ".md"));
    java.nio.file.Files.writeString(md, markdown(results));
    System.out.println(md);
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static String markdown(JsonObject results) {
    List<String> servers = new ArrayList<>(results.getJsonObject("settings").getJsonArray("servers").stream()
        .map(String::valueOf).toList());
    StringBuilder sb = new StringBuilder("# rtgw benchmark, ").append(results.getString("started")).append("\n\n");
    if (!results.getBoolean("complete", true)) {
      sb.append("**Incomplete: the run was still going (or was cut short) when this was written.**\n\n");
    }
    JsonObject m = results.getJsonObject("machine");
    JsonObject v = results.getJsonObject("versions");
    sb.append("Machine: ").append(m.getString("cpu")).append(", ").append(m.getInteger("cores")).append(" cores, ")
        .append(m.getString("memory")).append(", kernel ").append(m.getString("kernel")).append(", open files ")
        .append(m.getString("openFilesLimit")).append(". Server pinned: `").append(m.getString("serverPinning"))
        .append("`, load: `").append(m.getString("loadPinning")).append("`. Load average at start ")
        .append(m.getString("loadAtStart")).append(", at end ").append(results.getString("loadAtEnd"))
        .append(" (the machine is shared; each run's load is in the JSON).\n\n");
    sb.append("Versions: ").append(v.getString("java")).append(", Vert.x ").append(v.getString("vertx"))
        .append(", gateway ").append(v.getString("gatewayCommit")).append(v.getBoolean("gatewayTreeDirty") ? " (uncommitted changes)" : "")
        .append(", node ").append(v.getString("node")).append(", Socket.IO ").append(v.getString("socketio"))
        .append(", ").append(v.getString("nginx")).append(", nchan ").append(v.getString("nchan")).append(".\n\n");
    sb.append("Settings: preset `").append(results.getJsonObject("settings").getString("preset")).append("`, ")
        .append(results.getJsonObject("settings").getInteger("rounds")).append(" round(s), servers alternating in order ")
        .append(String.join(", ", servers)).append("; ").append(Settings.JVM_FLAGS.size() > 0 ? "JVM servers run with `"
            + String.join(" ", results.getJsonObject("settings").getJsonArray("serverJvmFlags").stream().map(String::valueOf).toList())
            + "`" : "").append(". Every cell is the median over the rounds, with min–max when there was more than one. ")
        .append("Ratios are gateway ÷ peer of the medians; the last column says which way is better.\n\n");
    results.getJsonObject("skipped").forEach(e -> sb.append("- ").append(e.getKey()).append(" skipped: ")
        .append(e.getValue()).append("\n"));
    results.getJsonObject("httpTransports").forEach(e -> {
      if (!String.valueOf(e.getValue()).isEmpty()) {
        sb.append("- gateway ").append(e.getKey()).append(": not available, ").append(e.getValue()).append("\n");
      }
    });
    sb.append("\n| scenario | figure |");
    servers.forEach(s -> sb.append(' ').append(s).append(" |"));
    PEERS.forEach(p -> sb.append(" gw/").append(p).append(" |"));
    sb.append(" better |\n|---|---|");
    servers.forEach(s -> sb.append("---:|"));
    PEERS.forEach(p -> sb.append("---:|"));
    sb.append("---|\n");
    for (Object o : results.getJsonArray("summary")) {
      JsonObject row = (JsonObject) o;
      sb.append("| ").append(row.getString("scenario")).append(" | ").append(row.getString("figure")).append(" |");
      for (String s : servers) {
        JsonObject c = row.getJsonObject("servers").getJsonObject(s);
        sb.append(' ').append(cell(c)).append(" |");
      }
      for (String p : PEERS) {
        Double r = row.getJsonObject("ratios").getDouble("gateway/" + p);
        sb.append(' ').append(r == null ? "–" : String.format(Locale.ROOT, "%.2f", r)).append(" |");
      }
      sb.append(' ').append(row.getString("better")).append(" |\n");
    }
    List<String> notes = new ArrayList<>();
    for (Object o : results.getJsonArray("runs")) {
      JsonObject run = (JsonObject) o;
      if (run.getString("note") != null) {
        String n = "- " + run.getString("server") + ", " + run.getString("scenario") + ": " + run.getString("status")
            + " — " + run.getString("note");
        if (!notes.contains(n)) {
          notes.add(n);
        }
      }
    }
    if (!notes.isEmpty()) {
      sb.append("\nNotes:\n");
      notes.forEach(n -> sb.append(n).append('\n'));
    }
    return sb.toString();
  }

  private static String cell(JsonObject c) {
    if (c == null) {
      return "–";
    }
    if (!c.containsKey("median")) {
      return c.getString("status");
    }
    String med = num(c.getDouble("median"));
    return c.getInteger("rounds") > 1 && !c.getDouble("min").equals(c.getDouble("max"))
        ? med + " (" + num(c.getDouble("min")) + "–" + num(c.getDouble("max")) + ")" : med;
  }

  static String num(double x) {
    double a = Math.abs(x);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", x);
    }
    return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", x);
  }
}
