package io.rtgw.deploy.fault;

import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The test side of a fault test: one Vertx with a WebSocket and an HTTP client for many subscribers
 * (pools sized for hundreds of connections to one node), the JDK client for polls, and every subscriber
 * made, so that one call closes them all.
 */
final class Clients implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(2_000).setConnectTimeout(2_000));
  private final io.vertx.core.http.HttpClient sse = vertx.createHttpClient(
      new HttpClientOptions().setKeepAlive(false).setConnectTimeout(2_000), new PoolOptions().setHttp1MaxSize(2_000));
  private final HttpClient poll = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final List<Subscriber> subscribers = new ArrayList<>();

  WsSubscriber ws(String channel, String user, List<Integer> ports, long minDelayMs, long maxDelayMs) {
    return add(new WsSubscriber(vertx, ws, channel, user, ports, minDelayMs, maxDelayMs));
  }

  SseSubscriber sse(String channel, List<Integer> ports, long minDelayMs, long maxDelayMs) {
    return add(new SseSubscriber(vertx, sse, channel, ports, minDelayMs, maxDelayMs));
  }

  PollSubscriber poll(String channel, List<Integer> ports, long minDelayMs, long maxDelayMs) {
    return add(new PollSubscriber(vertx, poll, channel, ports, minDelayMs, maxDelayMs));
  }

  /** Subscribers of the three transports in turn: ws, sse, poll, ws, ... */
  Subscriber ofTransport(int i, String channel, List<Integer> ports, long minDelayMs, long maxDelayMs) {
    return switch (i % 3) {
      case 0 -> ws(channel, null, ports, minDelayMs, maxDelayMs);
      case 1 -> sse(channel, ports, minDelayMs, maxDelayMs);
      default -> poll(channel, ports, minDelayMs, maxDelayMs);
    };
  }

  private synchronized <S extends Subscriber> S add(S s) {
    subscribers.add(s);
    return s;
  }

  Vertx vertx() {
    return vertx;
  }

  /** Waits for every future (e.g. the subscribers' first subscriptions). */
  static void awaitAll(List<Future<Void>> started) {
    WsClient.await(Future.all(started));
  }

  @Override
  public void close() {
    synchronized (this) {
      subscribers.forEach(Subscriber::close);
    }
    WsClient.await(vertx.close());
  }
}
