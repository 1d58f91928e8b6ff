package io.rtgw.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A WebSocket test client built on Vert.x's own client: it records every frame it receives, in order,
 * and lets a test wait for a frame that matches.
 */
public final class WsClient implements AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final AtomicLong IDS = new AtomicLong();

  private final WebSocketClient client;
  private final ClientWebSocket ws;
  private final List<JsonObject> frames = new ArrayList<>();
  private final java.util.Map<String, Integer> messageCounts = new java.util.HashMap<>();
  private final CompletableFuture<Short> closed = new CompletableFuture<>();

  private WsClient(WebSocketClient client, ClientWebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      synchronized (frames) {
        frames.add(frame);
        if ("message".equals(frame.getString("type"))) {
          messageCounts.merge(frame.getString("channel"), 1, Integer::sum);
        }
        frames.notifyAll();
      }
    });
    ws.closeHandler(v -> {
      closed.complete(ws.closeStatusCode());
      synchronized (frames) {
        frames.notifyAll();
      }
    });
  }

  private int attempts = 1;

  public static WsClient connect(Vertx vertx, int port, String query) {
    return connect(vertx, new WebSocketClientOptions(), port, query);
  }

  /** With client options of the caller's (e.g. TLS: {@code setSsl(true).setTrustAll(true)}). */
  public static WsClient connect(Vertx vertx, WebSocketClientOptions clientOptions, int port, String query) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions(clientOptions)
        .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(port).setURI("/ws" + (query == null ? "" : "?" + query));
    // handlers go on before connecting: the server may send frames at once (the automatic inbox
    // subscription), possibly in the same read as the handshake answer
    // Vert.x's client fails its connect with "WebSocket is closed" when the server's close frame comes in
    // the same read as the handshake's answer (a server that refuses at once, e.g. 1008 for a bad token),
    // and then reports no close status at all; a browser sees the close. A new attempt is what a client
    // does, and it gets the server's answer (the server holds nothing of a socket it closed).
    for (int attempt = 1; ; attempt++) {
      ClientWebSocket ws = client.webSocket();
      WsClient c = new WsClient(client, ws);
      try {
        await(ws.connect(options).toCompletionStage().toCompletableFuture());
        c.attempts = attempt;
        return c;
      } catch (AssertionError e) {
        if (attempt == 5 || !closedWhileConnecting(e)) {
          throw e;
        }
      }
    }
  }

  /**
   * How many handshakes this client took (more than 1 after the close race above): a test that counts
   * what the server did per connect (a connect hook asked, a refusal counted) counts each handshake.
   */
  public int attempts() {
    return attempts;
  }

  private static boolean closedWhileConnecting(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalStateException && "WebSocket is closed".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  public WebSocket socket() {
    return ws;
  }

  public void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  public void sendText(String text) {
    ws.writeTextMessage(text);
  }

  /** Sends a command with a fresh id and waits for the frame that echoes it. */
  public JsonObject request(JsonObject command) {
    long id = IDS.incrementAndGet();
    send(command.copy().put("id", id));
    return await(f -> Long.valueOf(id).equals(f.getLong("id")));
  }

  public JsonObject subscribe(String channel) {
    return request(new JsonObject().put("type", "subscribe").put("channel", channel));
  }

  public JsonObject subscribe(String channel, String epoch, long offset) {
    return request(new JsonObject().put("type", "subscribe").put("channel", channel)
        .put("since", new JsonObject().put("epoch", epoch).put("offset", offset)));
  }

  public JsonObject publish(String channel, Object data) {
    return request(new JsonObject().put("type", "publish").put("channel", channel).put("data", data));
  }

  /**
   * Waits for the first received frame matching {@code p}; each frame is tested once. Fails at once
   * when the socket closed without one: no frame can come after the close, so waiting the whole
   * timeout would only slow a retrying caller into its own deadline.
   */
  public JsonObject await(Predicate<JsonObject> p) {
    int[] scanned = {0};
    JsonObject[] found = {null};
    waitUntil(() -> {
      for (; scanned[0] < frames.size(); scanned[0]++) {
        if (p.test(frames.get(scanned[0]))) {
          found[0] = frames.get(scanned[0]);
          return true;
        }
      }
      if (closed.isDone()) {
        throw new AssertionError("the socket closed with status " + closed.getNow(null)
            + " before a matching frame; received " + frames.size() + " frames");
      }
      return false;
    });
    return found[0];
  }

  /** Waits, holding the frame lock while checking, until {@code condition} holds. */
  private void waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    synchronized (frames) {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          String last = frames.isEmpty() ? "none" : frames.get(frames.size() - 1).encode();
          throw new AssertionError("condition not met within " + TIMEOUT + "; received " + frames.size()
              + " frames, last: " + (last.length() > 300 ? last.substring(0, 300) + "..." : last));
        }
        try {
          frames.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /** Waits until {@code n} message frames of {@code channel} arrived; returns all of them, in order. */
  public List<JsonObject> awaitMessages(String channel, int n) {
    waitUntil(() -> messageCounts.getOrDefault(channel, 0) >= n);
    return messages(channel);
  }

  public List<JsonObject> messages(String channel) {
    return frames(f -> "message".equals(f.getString("type")) && channel.equals(f.getString("channel")));
  }

  public List<JsonObject> frames(Predicate<JsonObject> p) {
    synchronized (frames) {
      List<JsonObject> out = new ArrayList<>();
      for (JsonObject f : frames) {
        if (p.test(f)) {
          out.add(f);
        }
      }
      return out;
    }
  }

  /** The close status the server sent, waiting for the close if needed. */
  public short awaitClose() {
    return await(closed);
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.close();
    }
    client.close();
  }

  public static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  public static <T> T await(io.vertx.core.Future<T> f) {
    return await(f.toCompletionStage().toCompletableFuture());
  }
}
