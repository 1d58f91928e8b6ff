package io.rtgw.bench.probe;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process that holds idle, identified WebSockets on the gateway for {@link StallProbe}: each one
 * {@code /ws?user=<prefix><i>} (so it has its personal channel and a presence entry) and subscribed to one
 * shared channel, then silent; it answers the server's pings (Vert.x does) and nothing else. At most
 * {@link #MAX_PER_PROCESS} per process: 20,000 open files per process here.
 *
 * <p>{@code java ... IdleSockets <host> <port> <count> <prefix> <channel> <source address>}; prints
 * {@code opened <n>} once they are all subscribed, then holds them until stdin closes.
 */
public final class IdleSockets {

  public static final int MAX_PER_PROCESS = 19_500;
  /** Connects in flight at once: the gateway's accept loop is one event loop too. */
  private static final int IN_FLIGHT = 200;

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Math.min(MAX_PER_PROCESS, Integer.parseInt(args[2]));
    String prefix = args[3];
    String channel = args[4];
    String source = args.length > 5 ? args[5] : "127.0.0.1";
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(10_000));
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(source)
        .setMaxConnections(100_000).setConnectTimeout(30_000));
    List<WebSocket> open = new ArrayList<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    AtomicInteger done = new AtomicInteger();
    vertx.runOnContext(v -> {
      for (int i = 0; i < Math.min(IN_FLIGHT, count); i++) {
        openNext(client, host, port, prefix, channel, count, next, open, failed, done, all);
      }
    });
    all.future().toCompletionStage().toCompletableFuture().get();
    System.out.println("opened " + open.size() + " failed " + failed.get());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (in.readLine() != null) {
      // held until the runner closes stdin
    }
    vertx.close().await();
    System.exit(0);
  }

  private static void openNext(WebSocketClient client, String host, int port, String prefix, String channel, int count,
                               AtomicInteger next, List<WebSocket> open, AtomicInteger failed, AtomicInteger done,
                               Promise<Void> all) {
    int i = next.getAndIncrement();
    if (i >= count) {
      return;
    }
    subscribed(client, host, port, "/ws?user=" + prefix + i, channel).onComplete(ar -> {
      if (ar.succeeded()) {
        open.add(ar.result());
      } else {
        failed.incrementAndGet();
      }
      if (done.incrementAndGet() == count) {
        all.complete();
      }
      openNext(client, host, port, prefix, channel, count, next, open, failed, done, all);
    });
  }

  /** One socket, open once the gateway answered its subscribe. */
  private static Future<WebSocket> subscribed(WebSocketClient client, String host, int port, String uri, String channel) {
    return client.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri)).compose(ws -> {
      Promise<WebSocket> ready = Promise.promise();
      ws.textMessageHandler(text -> {
        if (text.contains("\"id\":1") && text.contains("\"subscribed\"")) {
          ws.textMessageHandler(t -> { });
          ready.tryComplete(ws);
        } else if (text.contains("\"id\":1") && text.contains("\"error\"")) {
          ready.tryFail(text);
        }
      });
      ws.closeHandler(x -> ready.tryFail("closed " + ws.closeStatusCode()));
      ws.writeTextMessage("{\"id\":1,\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}");
      return ready.future();
    });
  }
}
