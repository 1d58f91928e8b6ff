package io.rtgw.testkit;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * Plain request/response HTTP for tests, each waited for or as a future.
 *
 * <p>On the JDK's HttpClient rather than Vert.x's: with Vert.x 5.0.8's client, about one run in three
 * of these suites had a request that never completed (once after the server had answered it, once
 * never leaving the client: no connection was handed out within 20 s despite a 5 s connect timeout),
 * while the JDK client against the same server never hung. Event streams still use Vert.x's client
 * ({@link SseClient}).
 */
public final class HttpCalls implements AutoCloseable {

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final IntSupplier port;

  public HttpCalls(int port) {
    this(() -> port);
  }

  /** The port is asked for at each request: the client may be made before its server has started. */
  public HttpCalls(IntSupplier port) {
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

  public Future<Reply> getAsync(String uri, Map<String, String> headers) {
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

  public Future<Reply> send(HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + uri))
        .timeout(Duration.ofSeconds(90))
        .method(method.name(), body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body.getBytes()));
    headers.forEach(request::header);
    CompletableFuture<Reply> reply = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> new Reply(r.statusCode(), headersOf(r), Buffer.buffer(r.body())));
    return Future.fromCompletionStage(reply);
  }

  @Override
  public void close() {
    // Java 17's HttpClient has no close(); its idle connections go when it is collected
  }

  private static MultiMap headersOf(HttpResponse<?> response) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, List<String>> e : response.headers().map().entrySet()) {
      out.add(e.getKey(), e.getValue());
    }
    return out;
  }
}
