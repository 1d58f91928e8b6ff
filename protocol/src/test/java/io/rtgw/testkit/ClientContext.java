package io.rtgw.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * One context per client Vertx, on which tests make Vert.x HTTP client calls whose responses have bodies.
 *
 * <p>Vert.x 5.0.8 delivers a response head on the connection's thread and its body through the request's
 * context. Called from a test thread, the send future's callbacks are queued as a later task of another
 * context (eclipse-vertx/vert.x#5825): when head and body arrive in one read the body can be delivered
 * before those callbacks set its handlers, and Vert.x drops body chunks that find no handler, so
 * {@code body()} never completes. Made from one context (which also makes the connection when it is the
 * first), the callbacks run at once, in the task that delivers the head. A client shared by many streams
 * (HTTP/2: one connection) must be called from this one context throughout.
 */
public final class ClientContext {

  private static final Map<Vertx, Context> CONTEXTS = Collections.synchronizedMap(new WeakHashMap<>());

  private ClientContext() {
  }

  /** Runs {@code call} on the Vertx's client context and completes with what it completes with. */
  public static <T> Future<T> on(Vertx vertx, Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    CONTEXTS.computeIfAbsent(vertx, Vertx::getOrCreateContext).runOnContext(v -> {
      try {
        call.get().onComplete(done);
      } catch (RuntimeException | AssertionError e) {
        done.fail(e);
      }
    });
    return done.future();
  }
}
