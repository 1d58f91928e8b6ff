package io.rtgw.bench.gen;

import io.rtgw.bench.Payload;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Subscribers that long-poll Socket.IO the way its own client does before (or instead of) upgrading:
 * Engine.IO v4 polling carrying Socket.IO v5 packets. A GET with the room in the query opens a session
 * ({@code 0{"sid":...}}); a POST of {@code 40} connects to the namespace "/", whose middleware joins the
 * room, and the answer {@code 40{...}} comes in a poll: ready. From then on one GET at a time per session
 * (Engine.IO refuses an overlapping one and closes the session), each held until packets wait and then
 * answered with all of them, separated by 0x1E; events are {@code 42["m",payload,offset]}. The server
 * pings ({@code 2}) every 25 s and ends a session whose pong ({@code 3}, a POST) does not come. No
 * resume: the storm runs over WebSocket only.
 */
final class SocketIoPollTransport implements Transport {

  private static final String PATH = "/socket.io/?EIO=4&transport=polling";
  private static final byte SEPARATOR = 0x1e;
  private static final byte[] SID = Payload.bytes("\"sid\":");
  /** Engine.IO has no close codes: a session it ended counts under this one (a refused poll, under its HTTP status). */
  private static final short CLOSED_BY_PACKET = 1000;
  private final HttpClient client;
  private final String host;
  private final int port;

  SocketIoPollTransport(HttpClient client, String host, int port) {
    this.client = client;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<Void> open(Sub s, boolean resume) {
    int generation = ++s.generation;
    s.ready = Promise.promise();
    s.sid = null;
    get(s, PATH + "&room=" + WsDialect.enc(s.channel)).compose(r -> {
      String sid = r.status == 200 && r.body.length() > 0 && r.body.getByte(0) == '0'
          ? Payload.stringAfter(r.body, SID, 0) : null;
      if (sid == null) {
        return Future.failedFuture("Engine.IO handshake answered " + r.status + " " + r.body);
      }
      s.sid = sid;
      return post(sid, "40", true);
    }).onComplete(ar -> {
      if (ar.failed() || ar.result() != 200) {
        s.ready.tryFail(ar.failed() ? ar.cause().getMessage() : "Socket.IO connect answered " + ar.result());
      } else if (generation != s.generation || s.closed) {
        s.ready.tryFail("dropped while connecting");
      } else {
        poll(s, generation, 0);
      }
    });
    return s.ready.future();
  }

  private void poll(Sub s, int generation, int failures) {
    if (s.closed || generation != s.generation) {
      return;
    }
    if (failures >= PollTransport.MAX_FAILURES) {
      s.ready.tryFail("polling failed " + failures + " times in a row");
      return;
    }
    get(s, PATH + "&sid=" + WsDialect.enc(s.sid)).onComplete(ar -> {
      if (generation != s.generation || s.closed) {
        return;
      }
      if (ar.failed() || ar.result().status != 200 && ar.result().status != 400) {
        poll(s, generation, failures + 1);
      } else if (ar.result().status == 400) {
        // the session is gone (unknown sid: timed out, or closed after an error): polling it again is pointless
        serverClosed(s, (short) 400);
      } else if (onPackets(s, ar.result().body)) {
        poll(s, generation, 0);
      }
    });
  }

  /** Handles one poll's packets; false once the server has ended the session. */
  private boolean onPackets(Sub s, Buffer body) {
    boolean ping = false;
    boolean open = true;
    for (int start = 0; start < body.length(); ) {
      int end = start;
      while (end < body.length() && body.getByte(end) != SEPARATOR) {
        end++;
      }
      byte type = body.getByte(start);
      byte socketIoType = end - start > 1 ? body.getByte(start + 1) : 0;
      if (type == '2') {
        ping = true;
      } else if (type == '1') {
        open = false;
      } else if (type == '4' && socketIoType == '0') {
        s.ready();
      } else if (type == '4' && (socketIoType == '1' || socketIoType == '4')) {
        // a disconnect (41) or a refused connect (44): the namespace is left, no more events come
        s.ready.tryFail("Socket.IO " + body.getString(start, end));
        open = false;
      }
      start = end + 1;
    }
    // only event packets hold payloads, each found by its sequence key: one scan over the whole body
    WsDialect.deliverAll(s, body);
    if (!open) {
      serverClosed(s, CLOSED_BY_PACKET);
      return false;
    }
    if (ping) {
      // one POST at a time per session as well: pings come 25 s apart, and the 40 went long before
      post(s.sid, "3", true);
    }
    return true;
  }

  private static void serverClosed(Sub s, short code) {
    s.ready.tryFail("session closed by the server before ready");
    s.serverCloses++;
    s.lastCloseCode = code;
    s.lastServerCloseAt = System.currentTimeMillis();
  }

  private Future<Reply> get(Sub s, String uri) {
    return client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(uri))
        .compose(req -> {
          s.request = req;
          return req.send();
        })
        .compose(resp -> resp.body().map(body -> new Reply(resp.statusCode(), body)));
  }

  /**
   * Sends packets on their own request, answered at once with "ok". Retried once if the request fails
   * outright: node closes idle keep-alive connections after 5 s, and a missed pong would end the session.
   */
  private Future<Integer> post(String sid, String packets, boolean retry) {
    return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
            .setURI(PATH + "&sid=" + WsDialect.enc(sid)).addHeader("Content-Type", "text/plain;charset=UTF-8"))
        .compose(req -> req.send(packets))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .recover(e -> retry ? post(sid, packets, false) : Future.failedFuture(e));
  }

  @Override
  public void drop(Sub s) {
    s.generation++;
    // resetting the held poll closes its connection, and Engine.IO ends a session whose poll closes early
    if (s.request != null) {
      s.request.reset();
      s.request = null;
    }
  }

  private record Reply(int status, Buffer body) {
  }
}
