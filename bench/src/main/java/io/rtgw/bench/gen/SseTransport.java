package io.rtgw.bench.gen;

import io.rtgw.bench.Payload;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.parsetools.RecordParser;

/**
 * Subscribers over Server-Sent Events. The gateway (PROTOCOL.md: {@code GET /sse?channel=}) says it is
 * subscribed with {@code event: subscribed}; nchan says nothing, so its subscriber counts as ready once
 * the stream's headers arrive and the runner then checks nchan's own subscriber count.
 */
final class SseTransport implements Transport {

  private static final byte[] SUBSCRIBED = Payload.bytes("event: subscribed");
  private final HttpClient client;
  private final String server;
  private final String host;
  private final int port;

  SseTransport(HttpClient client, String server, String host, int port) {
    this.client = client;
    this.server = server;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<Void> open(Sub s, boolean resume) {
    int generation = ++s.generation;
    s.ready = io.vertx.core.Promise.promise();
    boolean gateway = server.equals("gateway");
    String uri = gateway ? "/sse?channel=" + WsDialect.enc(s.channel) : "/ps/" + WsDialect.enc(s.channel);
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(uri)
            .addHeader("Accept", "text/event-stream"))
        .compose(req -> {
          s.request = req;
          return req.send();
        })
        .onFailure(s.ready::tryFail)
        .onSuccess(resp -> {
          if (resp.statusCode() != 200) {
            s.ready.tryFail("SSE answered " + resp.statusCode());
            return;
          }
          if (!gateway) {
            s.ready();
          }
          resp.exceptionHandler(e -> { });
          resp.handler(RecordParser.newDelimited("\n", line -> {
            if (generation == s.generation) {
              onLine(s, line);
            }
          }));
        });
    return s.ready.future();
  }

  private static void onLine(Sub s, Buffer line) {
    if (line.length() > 5 && line.getByte(0) == 'd') {
      WsDialect.deliverAll(s, line);
    } else if (Payload.indexOf(line, SUBSCRIBED, 0) == 0) {
      s.ready();
    }
  }

  @Override
  public void drop(Sub s) {
    s.generation++;
    if (s.request != null) {
      s.request.reset();
      s.request = null;
    }
  }
}
