package io.rtgw.bench.gen;

import io.rtgw.bench.Payload;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Subscribers that long-poll. The gateway (PROTOCOL.md: {@code GET /poll}, first without a cursor to
 * get "now", then with the cursor it returns); nchan (its long-poll subscriber: the {@code Last-Modified}
 * and {@code Etag} of one response go back as {@code If-Modified-Since}/{@code If-None-Match}; several
 * waiting messages come newline-separated). Each loop ends when its subscriber closes, or after
 * {@link #MAX_FAILURES} failures in a row. Socket.IO's long polling has sessions, pings and packets of
 * its own: {@link SocketIoPollTransport}.
 */
final class PollTransport implements Transport {

  static final int MAX_FAILURES = 5;
  private static final int HOLD_SECONDS = 60;
  private static final byte[] CURSOR = Payload.bytes("\"cursor\":");
  private final HttpClient client;
  private final String server;
  private final String host;
  private final int port;

  PollTransport(HttpClient client, String server, String host, int port) {
    this.client = client;
    this.server = server;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<Void> open(Sub s, boolean resume) {
    int generation = ++s.generation;
    s.ready = Promise.promise();
    if (server.equals("gateway")) {
      get(s, "/poll?channel=" + WsDialect.enc(s.channel), null).onComplete(ar -> {
        if (ar.failed() || ar.result().status != 200) {
          s.ready.tryFail(ar.failed() ? ar.cause().getMessage() : "poll answered " + ar.result().status);
          return;
        }
        s.cursor = Payload.stringAfter(ar.result().body, CURSOR, 0);
        s.ready();
        poll(s, generation, 0);
      });
    } else {
      s.ready();
      poll(s, generation, 0);
    }
    return s.ready.future();
  }

  private void poll(Sub s, int generation, int failures) {
    if (s.closed || generation != s.generation || failures >= MAX_FAILURES) {
      return;
    }
    boolean gateway = server.equals("gateway");
    String uri = gateway
        ? "/poll?channel=" + WsDialect.enc(s.channel) + "&cursor=" + WsDialect.enc(s.cursor) + "&timeout=" + HOLD_SECONDS
        : "/ps/" + WsDialect.enc(s.channel);
    get(s, uri, gateway ? null : s).onComplete(ar -> {
      if (generation != s.generation || s.closed) {
        return;
      }
      if (ar.failed() || ar.result().status >= 400 && ar.result().status != 408) {
        poll(s, generation, failures + 1);
        return;
      }
      Reply r = ar.result();
      if (r.status == 200) {
        WsDialect.deliverAll(s, r.body);
        if (gateway) {
          String next = Payload.stringAfter(r.body, CURSOR, 0);
          if (next != null) {
            s.cursor = next;
          }
        } else {
          s.resumeToken = r.lastModified;
          s.etag = r.etag;
        }
      }
      poll(s, generation, 0);
    });
  }

  private Future<Reply> get(Sub s, String uri, Sub nchanPosition) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(uri);
    if (nchanPosition != null && nchanPosition.resumeToken != null) {
      options.addHeader("If-Modified-Since", nchanPosition.resumeToken);
      options.addHeader("If-None-Match", nchanPosition.etag == null ? "0" : nchanPosition.etag);
    }
    return client.request(options).compose(req -> {
      s.request = req;
      return req.send();
    }).compose(resp -> resp.body().map(body -> new Reply(resp, body)));
  }

  @Override
  public void drop(Sub s) {
    s.generation++;
    if (s.request != null) {
      s.request.reset();
      s.request = null;
    }
  }

  private static final class Reply {
    final int status;
    final Buffer body;
    final String lastModified;
    final String etag;

    Reply(HttpClientResponse resp, Buffer body) {
      this.status = resp.statusCode();
      this.body = body;
      this.lastModified = resp.getHeader("Last-Modified");
      this.etag = resp.getHeader("Etag");
    }
  }
}
