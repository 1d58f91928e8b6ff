package io.rtgw.deploy.fault;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An event-stream subscriber that resumes as a browser's EventSource does, from the last {@code id:} it
 * got (passed as {@code lastEventId}, since a new node is a new URL here).
 */
final class SseSubscriber extends Subscriber {

  private final HttpClient client;
  private HttpClientResponse response;
  private String cursor;
  private final StringBuilder pending = new StringBuilder();
  private final StringBuilder data = new StringBuilder();
  private String type = "";
  private String id;

  SseSubscriber(Vertx vertx, HttpClient client, String channel, List<Integer> ports, long minDelayMs, long maxDelayMs) {
    super(vertx, channel, null, ports, minDelayMs, maxDelayMs);
    this.client = client;
  }

  @Override
  String transport() {
    return "sse";
  }

  @Override
  void open(int port) {
    String uri = "/sse?channel=" + channel + (cursor == null ? "" : "&lastEventId=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(uri).putHeader("Accept", "text/event-stream");
    pending.setLength(0);
    data.setLength(0);
    type = "";
    id = cursor;
    client.request(options).compose(r -> r.send()).onComplete(ar -> {
      if (ar.failed()) {
        ended();
        return;
      }
      HttpClientResponse r = ar.result();
      if (r.statusCode() != 200) {
        r.request().connection().close();
        ended();
        return;
      }
      response = r;
      r.handler(chunk -> onChunk(r, chunk));
      r.endHandler(v -> gone(r));
      r.exceptionHandler(e -> gone(r));
    });
  }

  private void onChunk(HttpClientResponse r, Buffer chunk) {
    if (response != r) {
      return;
    }
    pending.append(chunk.toString(StandardCharsets.UTF_8));
    int nl;
    while ((nl = pending.indexOf("\n")) >= 0) {
      String line = pending.substring(0, nl);
      pending.delete(0, nl + 1);
      onLine(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }
  }

  private void onLine(String line) {
    if (line.isEmpty()) {
      if (data.length() > 0) {
        dispatch(type.isEmpty() ? "message" : type, new JsonObject(data.toString()));
      }
      data.setLength(0);
      type = "";
      return;
    }
    if (line.startsWith(":")) {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> type = value;
      case "data" -> data.append(value);
      case "id" -> id = value;
      default -> {
        // retry: this client chooses its own delay
      }
    }
  }

  private void dispatch(String event, JsonObject json) {
    // the cursor moves with every dispatched event, as EventSource's last event id does
    switch (event) {
      case "subscribed" -> {
        JsonArray channels = json.getJsonArray("channels", new JsonArray());
        for (int i = 0; i < channels.size(); i++) {
          JsonObject c = channels.getJsonObject(i);
          if (cursor != null && !c.getBoolean("recovered", true)) {
            delivered().notice("recovered:false epoch " + c.getString("epoch"));
          }
        }
        cursor = id;
        subscribed();
      }
      case "message" -> {
        cursor = id;
        if (channel.equals(json.getString("channel"))) {
          delivered().message(json.getString("epoch"), json.getLong("offset"));
        }
      }
      case "reset" -> {
        cursor = id;
        delivered().notice("reset epoch " + json.getString("epoch"));
      }
      default -> cursor = id;
    }
  }

  private void gone(HttpClientResponse r) {
    if (response == r) {
      response = null;
      ended();
    }
  }

  @Override
  void abort() {
    HttpClientResponse r = response;
    if (r != null) {
      gone(r);
      r.request().connection().close();
    }
  }
}
