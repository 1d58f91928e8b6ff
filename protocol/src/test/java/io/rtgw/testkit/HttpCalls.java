package io.rtgw.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Plain HTTP requests for tests, on Vert.x's own client, each waited for. */
public final class HttpCalls implements AutoCloseable {

  private final HttpClient client;
  private final int port;

  public HttpCalls(Vertx vertx, int port) {
    this(vertx, port, 64);
  }

  /** {@code connections}: how many requests may be in flight at once (held long polls each take one). */
  public HttpCalls(Vertx vertx, int port, int connections) {
    // a connection per request: with Vert.x 5.0.8's client, a request reusing a kept-alive connection
    // now and then never completed in these tests (seen after long polls and error replies); the JDK's
    // client against the same server never hung, so each call here starts clean
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
            .setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.port = port;
  }

  /** A finished exchange: status, headers and the whole body. */
  public record Reply(int status, MultiMap headers, Buffer body) {

    public JsonObject json() {
      return body.toJsonObject();
    }

    public String text() {
      return body.toString();
    }
  }

  public Reply get(String uri) {
    return WsClient.await(getAsync(uri, Map.of()));
  }

  public Reply get(String uri, Map<String, String> headers) {
    return WsClient.await(getAsync(uri, headers));
  }

  public io.vertx.core.Future<Reply> getAsync(String uri, Map<String, String> headers) {
    return send(HttpMethod.GET, uri, headers, null);
  }

  public Reply post(String uri, JsonObject body) {
    return WsClient.await(send(HttpMethod.POST, uri, Map.of("Content-Type", "application/json"), body.toBuffer()));
  }

  public Reply post(String uri, Buffer body, Map<String, String> headers) {
    return WsClient.await(send(HttpMethod.POST, uri, headers, body));
  }

  public Reply request(HttpMethod method, String uri, Map<String, String> headers) {
    return WsClient.await(send(method, uri, headers, null));
  }

  public io.vertx.core.Future<Reply> send(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(options::putHeader);
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b)));
  }

  @Override
  public void close() {
    WsClient.await(client.close());
  }
}
