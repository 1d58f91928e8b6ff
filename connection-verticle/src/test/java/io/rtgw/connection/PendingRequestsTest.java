package io.rtgw.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A departure fails the requests waiting on a tier no member serves any more, also when the cluster's
 * registry does not answer (Hazelcast's, right after the master left, waited past the request timeout).
 * The cluster here is a registry whose answers the test decides: reading "hangs" means Hazelcast's
 * stuck partition, which a real cluster cannot be made to do on demand.
 */
class PendingRequestsTest {

  private static final long PATIENCE_MS = 200;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** A registry: its members, and the registrations it answers with, or none (a read that hangs). */
  private static final class Registry {
    final AtomicReference<List<String>> members = new AtomicReference<>(List.of("me", "core"));
    final AtomicReference<List<RegistrationInfo>> answer = new AtomicReference<>();
    int reads;

    ClusterManager manager() {
      return (ClusterManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ClusterManager.class},
          (proxy, method, args) -> switch (method.getName()) {
            case "getNodes" -> members.get();
            case "getNodeId" -> "me";
            case "getRegistrations" -> {
              reads++;
              List<RegistrationInfo> now = answer.get();
              if (now != null) {
                @SuppressWarnings("unchecked")
                Completable<List<RegistrationInfo>> c = (Completable<List<RegistrationInfo>>) args[1];
                c.succeed(now);
              }
              yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "a registry the test answers for";
            default -> throw new UnsupportedOperationException(method.getName());
          });
    }
  }

  private static <T> T onLoop(java.util.function.Supplier<T> body) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.runOnContext(v -> done.complete(body.get()));
    return done.get(5, TimeUnit.SECONDS);
  }

  private static Throwable failureWithin(Future<?> f, long ms) throws Exception {
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    f.onFailure(failed::complete);
    try {
      return failed.get(ms, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return null;
    }
  }

  @Test
  void a_request_to_a_departed_tier_fails_at_once_although_the_registry_hangs() throws Exception {
    Registry registry = new Registry();
    registry.answer.set(List.of(new RegistrationInfo("core", 1, false)));
    PendingRequests pending = onLoop(() -> new PendingRequests(vertx, registry.manager(), PATIENCE_MS));
    Future<Object> request = onLoop(() -> pending.track("rtgw.publish", Promise.promise().future()));

    // the core leaves, and the registry stops answering
    registry.answer.set(null);
    registry.members.set(List.of("me"));
    long left = System.nanoTime();
    vertx.runOnContext(v -> pending.memberLeft());

    Throwable failure = failureWithin(request, 3_000);
    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat((System.nanoTime() - left) / 1_000_000).as("ms until it failed").isLessThan(2_000);
  }

  @Test
  void a_request_to_a_tier_with_a_member_left_keeps_waiting() throws Exception {
    Registry registry = new Registry();
    registry.members.set(List.of("me", "core", "core2"));
    registry.answer.set(List.of(new RegistrationInfo("core", 1, false), new RegistrationInfo("core2", 1, false)));
    PendingRequests pending = onLoop(() -> new PendingRequests(vertx, registry.manager(), PATIENCE_MS));
    Future<Object> request = onLoop(() -> pending.track("rtgw.publish", Promise.promise().future()));

    registry.answer.set(null);
    registry.members.set(List.of("me", "core2"));
    vertx.runOnContext(v -> pending.memberLeft());

    assertThat(failureWithin(request, 4 * PATIENCE_MS)).as("still waiting").isNull();
  }

  @Test
  void with_nothing_read_before_a_hanging_registry_is_waited_for() throws Exception {
    Registry registry = new Registry();
    PendingRequests pending = onLoop(() -> new PendingRequests(vertx, registry.manager(), PATIENCE_MS));
    Future<Object> request = onLoop(() -> pending.track("rtgw.publish", Promise.promise().future()));

    registry.members.set(List.of("me"));
    vertx.runOnContext(v -> pending.memberLeft());
    assertThat(failureWithin(request, 4 * PATIENCE_MS)).as("nothing remembered stands in for the registry").isNull();
    // one read under way at a time: the departure's read waits on the first one, no second is started
    assertThat(onLoop(() -> registry.reads)).isEqualTo(1);
  }
}
