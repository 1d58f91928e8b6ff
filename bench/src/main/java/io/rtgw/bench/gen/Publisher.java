package io.rtgw.bench.gen;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Sends payloads to channels the way a backend would for each server. */
interface Publisher {

  Future<Void> open(List<String> channels);

  void publish(String channel, String payload);

  /** True while the publisher should not take more (a full write queue, too many requests in flight). */
  boolean busy();

  /** True once everything handed to it has left (and, over HTTP, been answered). */
  boolean idle();

  void close();

  /** Publishes the server answered with an error (where it answers at all). */
  long errors();

  /** Publishes the server confirmed (where it confirms them). */
  default long acks() {
    return 0;
  }

  /** Over the server's WebSocket dialect: one connection, or one per channel where rooms need it. */
  final class OverWebSocket implements Publisher {
    private final WsTransport transport;
    private final Map<String, Sub> connections = new HashMap<>();

    OverWebSocket(WsTransport transport) {
      this.transport = transport;
    }

    @Override
    public Future<Void> open(List<String> channels) {
      List<Future<Void>> opening = new ArrayList<>();
      for (String ch : transport.dialect().publisherPerChannel() ? channels : List.of(channels.get(0))) {
        Sub s = new Sub(ch, new Tally(), false, true);
        connections.put(ch, s);
        opening.add(transport.open(s, false));
      }
      return Future.all(opening).mapEmpty();
    }

    private Sub connectionFor(String channel) {
      return transport.dialect().publisherPerChannel() ? connections.get(channel) : connections.values().iterator().next();
    }

    @Override
    public void publish(String channel, String payload) {
      connectionFor(channel).ws.writeTextMessage(transport.dialect().publishFrame(channel, payload));
    }

    @Override
    public boolean busy() {
      for (Sub s : connections.values()) {
        if (s.ws == null || s.ws.writeQueueFull()) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean idle() {
      return true;
    }

    @Override
    public long errors() {
      return connections.values().stream().mapToLong(s -> s.publishErrors).sum();
    }

    @Override
    public long acks() {
      return connections.values().stream().mapToLong(s -> s.publishAcks).sum();
    }

    @Override
    public void close() {
      connections.values().forEach(s -> {
        s.closed = true;
        transport.drop(s);
      });
      connections.clear();
    }
  }

  /** nchan's HTTP publisher: {@code POST /pub/<channel>} on keep-alive connections, a bounded number in flight. */
  final class OverHttp implements Publisher {
    static final int MAX_IN_FLIGHT = 64;
    private final HttpClient client;
    private final String host;
    private final int port;
    private final ArrayDeque<String[]> waiting = new ArrayDeque<>();
    private int inFlight;
    long failures;

    OverHttp(HttpClient client, String host, int port) {
      this.client = client;
      this.host = host;
      this.port = port;
    }

    @Override
    public Future<Void> open(List<String> channels) {
      return Future.succeededFuture();
    }

    @Override
    public void publish(String channel, String payload) {
      if (inFlight >= MAX_IN_FLIGHT) {
        waiting.add(new String[] {channel, payload});
        return;
      }
      inFlight++;
      client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
              .setURI("/pub/" + WsDialect.enc(channel)))
          .compose(req -> req.send(Buffer.buffer(payload)))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onComplete(ar -> {
            if (ar.failed() || ar.result() >= 300) {
              failures++;
            }
            inFlight--;
            String[] next = waiting.poll();
            if (next != null) {
              publish(next[0], next[1]);
            }
          });
    }

    @Override
    public boolean busy() {
      return inFlight >= MAX_IN_FLIGHT;
    }

    @Override
    public boolean idle() {
      return inFlight == 0 && waiting.isEmpty();
    }

    @Override
    public long errors() {
      return failures;
    }

    @Override
    public void close() {
    }
  }
}
