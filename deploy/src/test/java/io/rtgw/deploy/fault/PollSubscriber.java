package io.rtgw.deploy.fault;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * A long-polling subscriber: polls with its cursor until a reply, moves the cursor only on a 200, and
 * after a drop polls another node with the same cursor. On the JDK's HTTP client (see HttpCalls for why);
 * replies hop back to the subscriber's event loop.
 */
final class PollSubscriber extends Subscriber {

  private final HttpClient client;
  private String cursor;
  /** Bumped by every drop, so a reply to an abandoned poll is ignored, as a closed tab would. */
  private long generation;
  private boolean fresh;

  PollSubscriber(Vertx vertx, HttpClient client, String channel, List<Integer> ports, long minDelayMs, long maxDelayMs) {
    super(vertx, channel, null, ports, minDelayMs, maxDelayMs);
    this.client = client;
  }

  @Override
  String transport() {
    return "poll";
  }

  @Override
  void open(int port) {
    fresh = true;
    poll(port, ++generation);
  }

  private void poll(int port, long gen) {
    String uri = "http://127.0.0.1:" + port + "/poll?channel=" + channel
        + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(90)).GET().build();
    client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> context.runOnContext(v -> {
      if (gen != generation || isClosed()) {
        return;
      }
      if (e != null) {
        generation++;
        ended();
        return;
      }
      if (r.statusCode() == 204) {
        answered();
        poll(port, gen);
        return;
      }
      if (r.statusCode() != 200) {
        generation++;
        ended();
        return;
      }
      JsonObject body = new JsonObject(r.body());
      boolean first = cursor == null;
      answered();
      JsonArray resets = body.getJsonArray("resets");
      if (!first && resets != null && !resets.isEmpty()) {
        delivered().notice("resets " + resets.encode());
      }
      JsonArray messages = body.getJsonArray("messages", new JsonArray());
      for (int i = 0; i < messages.size(); i++) {
        JsonObject m = messages.getJsonObject(i);
        if (channel.equals(m.getString("channel"))) {
          delivered().message(m.getString("epoch"), m.getLong("offset"));
        }
      }
      cursor = body.getString("cursor");
      poll(port, gen);
    }));
  }

  /** The first answer of a node after a (re)connect counts as subscribed there. */
  private void answered() {
    if (fresh) {
      fresh = false;
      subscribed();
    }
  }

  @Override
  void abort() {
    generation++;
    ended();
  }
}
