package io.rtgw.connection.hooks;

import io.rtgw.connection.metrics.GatewayMetrics;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.config.HookConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * One backend hook: asks the application over the event bus or with an HTTP POST, within the hook's
 * timeout and answer bound, and turns what came back (or did not) into an answer or a refusal. Nothing
 * here waits: a hook that hangs costs a timer and a pending request, never an event loop.
 */
final class Hook {

  private final Vertx vertx;
  private final String name;
  private final HookConfig config;
  private final int maxAnswerBytes;
  private final HttpClient http;
  private final RequestOptions target;
  private final GatewayMetrics metrics = GatewayMetrics.current();

  /** Why a request got no usable answer: the metrics' result label, and the sentence for the client. */
  static final class Failure extends RuntimeException {
    final String result;

    Failure(String result, String sentence) {
      super(sentence, null, false, false);
      this.result = result;
    }
  }

  Hook(Vertx vertx, String name, HookConfig config, int maxAnswerBytes, HttpClient http) {
    this.vertx = vertx;
    this.name = name;
    this.config = config;
    this.maxAnswerBytes = maxAnswerBytes;
    this.http = http;
    this.target = config.url() == null ? null : new RequestOptions().setAbsoluteURI(config.url())
        .setMethod(HttpMethod.POST).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ACCEPT, "application/json");
  }

  String name() {
    return name;
  }

  HookConfig config() {
    return config;
  }

  /**
   * A decision (connect, subscribe, publish, refresh): {@code {"allow":true,...}} is the answer;
   * {@code {"allow":false,"code","message"}} (or a bus failure with a 4xx code) fails with that code and
   * sentence. No usable answer is, by the hook's onFailure, an empty allow or an {@code unavailable}.
   */
  Future<JsonObject> decide(JsonObject request, Function<JsonObject, String> problem) {
    long start = System.nanoTime();
    return ask(request).transform(ar -> {
      long took = System.nanoTime() - start;
      if (ar.succeeded()) {
        JsonObject answer = ar.result();
        Object allow = answer.getValue("allow");
        String wrong = Boolean.TRUE.equals(allow) ? problem.apply(answer) : null;
        if (wrong != null) {
          return failed(new Failure("invalid", "answered " + wrong), took);
        }
        if (Boolean.TRUE.equals(allow)) {
          metrics.hook(name, "allow", took);
          return Future.succeededFuture(answer);
        }
        if (Boolean.FALSE.equals(allow)) {
          metrics.hook(name, "refuse", took);
          return Future.failedFuture(refusal(answer.getValue("code"), answer.getValue("message")));
        }
        return failed(new Failure("invalid", "answered without a boolean 'allow'"), took);
      }
      if (ar.cause() instanceof GatewayException refused) {
        metrics.hook(name, "refuse", took);
        return Future.failedFuture(refused);
      }
      return failed(ar.cause(), took);
    });
  }

  /**
   * A call (rpc): the answer as it came; no usable answer is {@code unavailable}, whatever onFailure
   * says (there is nothing to allow).
   */
  Future<JsonObject> call(JsonObject request, Function<JsonObject, String> problem) {
    long start = System.nanoTime();
    return ask(request).transform(ar -> {
      long took = System.nanoTime() - start;
      String wrong = ar.succeeded() ? problem.apply(ar.result()) : null;
      if (wrong != null) {
        metrics.hook(name, "invalid", took);
        return Future.failedFuture(unavailable(new Failure("invalid", "answered " + wrong)));
      }
      if (ar.succeeded()) {
        metrics.hook(name, "answered", took);
        return Future.succeededFuture(ar.result());
      }
      if (ar.cause() instanceof GatewayException refused) {
        metrics.hook(name, "refuse", took);
        return Future.failedFuture(refused);
      }
      Failure f = ar.cause() instanceof Failure h ? h : new Failure("error", String.valueOf(ar.cause().getMessage()));
      metrics.hook(name, f.result, took);
      return Future.failedFuture(unavailable(f));
    });
  }

  private Future<JsonObject> failed(Throwable cause, long took) {
    Failure f = cause instanceof Failure h ? h : new Failure("error", String.valueOf(cause.getMessage()));
    metrics.hook(name, f.result, took);
    return config.allowsOnFailure() ? Future.succeededFuture(new JsonObject().put("allow", true))
        : Future.failedFuture(unavailable(f));
  }

  private GatewayException unavailable(Failure f) {
    return new GatewayException(ErrorCode.UNAVAILABLE, "The application's " + name + " hook " + f.getMessage()
        + "; try again later.");
  }

  /** A refusal with the application's code (one of the protocol's; forbidden otherwise) and sentence. */
  static GatewayException refusal(Object code, Object message) {
    ErrorCode c = ErrorCode.FORBIDDEN;
    if (code instanceof String s) {
      for (ErrorCode e : ErrorCode.values()) {
        if (e.code().equals(s)) {
          c = e;
        }
      }
    }
    String sentence = message instanceof String m && !m.isBlank() ? m : "The application refused this request.";
    return new GatewayException(c, sentence);
  }

  /** The raw answer object, or a {@link Failure}, or (a bus failure with a 4xx code) a refusal. */
  private Future<JsonObject> ask(JsonObject request) {
    return config.address() != null ? overBus(request) : overHttp(request);
  }

  private Future<JsonObject> overBus(JsonObject request) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.timeoutMs());
    return vertx.eventBus().<Object>request(config.address(), request, options).transform(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof ReplyException re) {
          if (re.failureType() == ReplyFailure.TIMEOUT) {
            return Future.failedFuture(timeout());
          }
          if (re.failureType() == ReplyFailure.NO_HANDLERS) {
            return Future.failedFuture(new Failure("error", "has no consumer on " + config.address()));
          }
          if (re.failureCode() >= 400 && re.failureCode() < 500) {
            return Future.failedFuture(refusal(ErrorCode.ofStatus(re.failureCode()).code(), re.getMessage()));
          }
        }
        return Future.failedFuture(new Failure("error", "failed: " + ar.cause().getMessage()));
      }
      Object body = ar.result().body();
      Buffer encoded;
      if (body instanceof JsonObject o) {
        // the size of what the application sent, as it would be over HTTP
        encoded = o.toBuffer();
      } else if (body instanceof String || body instanceof Buffer) {
        encoded = body instanceof String s ? Buffer.buffer(s) : (Buffer) body;
      } else {
        return Future.failedFuture(new Failure("invalid", "answered with something other than a JSON object"));
      }
      if (encoded.length() > maxAnswerBytes) {
        return Future.failedFuture(tooLarge());
      }
      return parse(encoded);
    });
  }

  private Future<JsonObject> overHttp(JsonObject request) {
    Promise<JsonObject> answer = Promise.promise();
    long deadline = vertx.setTimer(config.timeoutMs(), id -> answer.tryFail(timeout()));
    Buffer body = request.toBuffer();
    http.request(new RequestOptions(target).setConnectTimeout(config.timeoutMs()).setIdleTimeout(config.timeoutMs())).compose(req -> {
      answer.future().onFailure(e -> req.reset());
      return req.send(body).compose(response -> read(req, response));
    }).onComplete(ar -> {
      vertx.cancelTimer(deadline);
      if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        Throwable e = ar.cause();
        answer.tryFail(e instanceof Failure || e instanceof GatewayException ? e
            : new Failure("error", "could not be reached: " + e.getMessage()));
      }
    });
    return answer.future();
  }

  /** Reads a response's body up to the bound; one announced or grown past it is dropped unread. */
  private Future<JsonObject> read(HttpClientRequest req, HttpClientResponse response) {
    if (response.statusCode() < 200 || response.statusCode() > 299) {
      return Future.failedFuture(new Failure("error", "answered HTTP " + response.statusCode()));
    }
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.length() < 12 && Long.parseLong(length.trim()) > maxAnswerBytes) {
      req.reset();
      return Future.failedFuture(tooLarge());
    }
    Promise<JsonObject> out = Promise.promise();
    Buffer got = Buffer.buffer();
    response.handler(chunk -> {
      if (out.future().isComplete()) {
        return;
      }
      if (got.length() + chunk.length() > maxAnswerBytes) {
        out.tryFail(tooLarge());
        req.reset();
        return;
      }
      got.appendBuffer(chunk);
    });
    response.exceptionHandler(e -> out.tryFail(new Failure("error", "failed mid-answer: " + e.getMessage())));
    response.endHandler(v -> parse(got).onComplete(out));
    return out.future();
  }

  private static Future<JsonObject> parse(Buffer body) {
    try {
      Object value = io.vertx.core.json.Json.decodeValue(body);
      if (value instanceof JsonObject o) {
        return Future.succeededFuture(o);
      }
    } catch (DecodeException e) {
      // falls through: not JSON at all
    }
    return Future.failedFuture(new Failure("invalid", "answered with something other than a JSON object"));
  }

  private Failure timeout() {
    return new Failure("timeout", "did not answer within " + config.timeoutMs() + " ms");
  }

  private Failure tooLarge() {
    return new Failure("too_large", "answered with more than " + maxAnswerBytes + " bytes");
  }
}
