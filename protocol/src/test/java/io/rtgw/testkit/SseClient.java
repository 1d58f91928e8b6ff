package io.rtgw.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An event-stream test client on Vert.x's own HTTP client: it parses text/event-stream as the HTML
 * standard says (fields, comments, blank line dispatches) and records events and comments in order.
 * Closing it drops the connection, as a network failure would.
 */
public final class SseClient implements AutoCloseable {

  /** One dispatched event; {@code id} is the last event id in force when it was dispatched. */
  public record Event(String type, String id, String data) {

    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  /** Null when the caller owns the client. */
  private final HttpClient client;
  private final HttpClientResponse response;
  private final StringBuilder pending = new StringBuilder();
  private final List<Event> events = new ArrayList<>();
  private final List<String> comments = new ArrayList<>();
  private final StringBuilder raw = new StringBuilder();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private volatile long endedAt;
  private final StringBuilder data = new StringBuilder();
  private String type = "";
  /** The id field last parsed: it takes effect when its event is dispatched, not before (HTML standard). */
  private String idBuffer = "";
  /** The id of the last dispatched event: what a browser sends back in {@code Last-Event-ID}. */
  private String lastId = "";
  private boolean hasData;
  /** Set by {@link #close}: bytes still in flight are not read, as after a network failure. */
  private boolean dropped;

  private SseClient(HttpClient client, HttpClientResponse response) {
    this.client = client;
    this.response = response;
    response.handler(this::onChunk);
    response.endHandler(v -> finish());
    response.exceptionHandler(e -> finish());
  }

  /** Opens {@code uri}; the returned client has the response head (status, headers) already. */
  public static SseClient open(Vertx vertx, int port, String uri, Map<String, String> headers) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(options::putHeader);
    return open(vertx, client, options, true);
  }

  /**
   * Opens a stream on a client the caller owns and closes (e.g. one HTTP/2 connection shared by many
   * streams, or a TLS client); closing the returned client resets only its own stream.
   */
  public static SseClient open(Vertx vertx, HttpClient client, RequestOptions options) {
    return open(vertx, client, options, false);
  }

  private static SseClient open(Vertx vertx, HttpClient client, RequestOptions options, boolean ownsClient) {
    options.setMethod(HttpMethod.GET);
    if (options.getHeaders() == null || !options.getHeaders().contains("Accept")) {
      options.putHeader("Accept", "text/event-stream");
    }
    // the body's handlers must go on in the task that delivers the response head (ClientContext says why)
    HttpClient owned = ownsClient ? client : null;
    return WsClient.await(ClientContext.on(vertx,
        () -> client.request(options).compose(r -> r.send()).map(r -> new SseClient(owned, r))));
  }

  public static SseClient open(Vertx vertx, int port, String uri) {
    return open(vertx, port, uri, Map.of());
  }

  public int status() {
    return response.statusCode();
  }

  public MultiMap headers() {
    return response.headers();
  }

  /** The HTTP version the stream runs over. */
  public HttpVersion version() {
    return response.version();
  }

  /** The connection the stream runs over (one HTTP/2 connection carries many streams). */
  public HttpConnection connection() {
    return response.request().connection();
  }

  /** Everything received so far, as text. */
  public String raw() {
    synchronized (events) {
      return raw.toString();
    }
  }

  public Event await(Predicate<Event> p) {
    return awaitState(() -> {
      for (Event e : events) {
        if (p.test(e)) {
          return e;
        }
      }
      return null;
    });
  }

  /** Waits for {@code n} {@code message} events in all; returns all of them, in order. */
  public List<Event> awaitMessages(int n) {
    awaitState(() -> messages().size() >= n ? Boolean.TRUE : null);
    return messages();
  }

  /**
   * Waits for {@code n} {@code message} events in all, or for the server to end the stream short of them
   * (a slow reader ended at its bound); returns the messages received, in order.
   */
  public List<Event> awaitMessagesOrEnd(int n) {
    awaitState(() -> messages().size() >= n || ended.isDone() ? Boolean.TRUE : null);
    return messages();
  }

  /** Waits for {@code n} comment lines (keep-alives) in all. */
  public List<String> awaitComments(int n) {
    awaitState(() -> comments.size() >= n ? Boolean.TRUE : null);
    synchronized (events) {
      return new ArrayList<>(comments);
    }
  }

  public List<Event> messages() {
    return events(e -> e.type().equals("message"));
  }

  public List<Event> events(Predicate<Event> p) {
    synchronized (events) {
      List<Event> out = new ArrayList<>();
      for (Event e : events) {
        if (p.test(e)) {
          out.add(e);
        }
      }
      return out;
    }
  }

  /**
   * The id of the last event dispatched, as a browser would send it back in {@code Last-Event-ID}; an
   * id whose event is still arriving (no blank line yet) does not count.
   */
  public String lastId() {
    synchronized (events) {
      return lastId;
    }
  }

  /** Stops reading from the socket, so the server's writes back up. */
  public void pause() {
    response.pause();
  }

  public void resume() {
    response.resume();
  }

  /** Waits until the server ends the stream. */
  public void awaitEnd() {
    WsClient.await(ended);
  }

  /** When the stream ended (epoch ms), or 0 while it is open. */
  public long endedAt() {
    return endedAt;
  }

  public boolean hasEnded() {
    return ended.isDone();
  }

  /**
   * Drops the stream. What it received up to here is final: bytes already on their way are ignored, so
   * {@link #lastId} and {@link #messages} read after it agree, as a browser's state does after a drop.
   */
  @Override
  public void close() {
    synchronized (events) {
      dropped = true;
    }
    if (client != null) {
      client.close();
    } else if (!ended.isDone()) {
      response.request().reset();
    }
  }

  private void onChunk(Buffer chunk) {
    synchronized (events) {
      if (dropped) {
        return;
      }
      String text = chunk.toString();
      raw.append(text);
      pending.append(text);
      int nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        String line = pending.substring(0, nl);
        pending.delete(0, nl + 1);
        if (line.endsWith("\r")) {
          line = line.substring(0, line.length() - 1);
        }
        onLine(line);
      }
      events.notifyAll();
    }
  }

  private void onLine(String line) {
    if (line.isEmpty()) {
      // an event cut short by the connection's end is never dispatched, so its id must not count yet:
      // resuming after an id whose event was not recorded would skip that event
      lastId = idBuffer;
      if (hasData) {
        String d = data.toString();
        events.add(new Event(type.isEmpty() ? "message" : type, lastId, d.endsWith("\n") ? d.substring(0, d.length() - 1) : d));
      }
      data.setLength(0);
      hasData = false;
      type = "";
      return;
    }
    if (line.startsWith(":")) {
      comments.add(line.substring(1).trim());
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
      case "data" -> {
        data.append(value).append('\n');
        hasData = true;
      }
      case "id" -> idBuffer = value;
      default -> {
        // retry and unknown fields: nothing to record
      }
    }
  }

  private void finish() {
    if (endedAt == 0) {
      endedAt = System.currentTimeMillis();
    }
    ended.complete(null);
    synchronized (events) {
      events.notifyAll();
    }
  }

  private <T> T awaitState(java.util.function.Supplier<T> check) {
    long deadline = System.nanoTime() + WsClient.TIMEOUT.toNanos();
    synchronized (events) {
      while (true) {
        T t = check.get();
        if (t != null) {
          return t;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("not received within " + WsClient.TIMEOUT + "; status " + response.statusCode()
              + (ended.isDone() ? ", stream ended" : ", stream open") + ", " + events.size() + " events, last: "
              + (events.isEmpty() ? "none" : events.get(events.size() - 1)));
        }
        try {
          events.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }
}
