package io.rtgw.protocol;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageProducer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The answers one instance waits for from another tier, asked as one-way sends: each command carries this
 * instance's answer address and a ticket ({@link Asked}), and the answer comes back to that address as a
 * plain send ({@link Answer}).
 *
 * <p>Instead of a bus request, which on the hot path costs a reply handler registered in and removed from
 * the bus's handler map and a timer set and cancelled on the event loop for every message (an eighth of
 * the loop's time for a direct message), the pending asks wait in one table, in the order they were
 * asked, and one periodic sweep fails those older than the timeout. What the bus's request gave is kept:
 * an address nobody serves fails at once ({@code NO_HANDLERS}, from the send's own outcome), a silent one
 * at the timeout ({@code TIMEOUT}, up to a sweep period late), a refusal as the recipient's failure
 * ({@code RECIPIENT_FAILURE} with the status), so {@link GatewayException#from} reads all three as before.
 *
 * <p>The table belongs to the context that created it; an ask from another thread is moved there.
 */
public final class Answers {

  private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

  private final EventBus bus;
  private final String address;
  private final long timeoutMs;
  private final MessageConsumer<Object> consumer;
  private final Future<Void> registered;
  private final Map<String, MessageProducer<Object>> senders = new HashMap<>();
  // insertion order is deadline order: every ask has the same timeout
  private final LinkedHashMap<Long, Pending> pending = new LinkedHashMap<>();
  private final long sweepTimer;
  private final Vertx vertx;
  private final ContextInternal context;
  private long lastTicket;
  private boolean ready;

  private record Pending(Promise<Answer> promise, long deadline) {
  }

  /** Registers {@code address} (cluster-wide when clustered: the answering tier may be on another node). */
  public Answers(Vertx vertx, String address, long timeoutMs) {
    this.vertx = vertx;
    this.context = (ContextInternal) vertx.getOrCreateContext();
    this.bus = vertx.eventBus();
    this.address = address;
    this.timeoutMs = timeoutMs;
    this.consumer = bus.consumer(address, msg -> answered(msg.body()));
    this.registered = consumer.completion().onSuccess(v -> ready = true);
    long period = Math.max(10, Math.min(250, timeoutMs / 4));
    this.sweepTimer = vertx.setPeriodic(period, id -> sweep(System.nanoTime()));
  }

  /** Completes once answers can arrive. */
  public Future<Void> started() {
    return registered;
  }

  public String address() {
    return address;
  }

  /**
   * Sends {@code command(ticket)} to {@code to} and completes with the answer's body, or fails as a bus
   * request to {@code to} would.
   */
  @SuppressWarnings("unchecked")
  public <T extends Answer> Future<T> ask(String to, LongFunction<Object> command) {
    if (!context.inThread()) {
      // a caller on another loop (a hook's client, a test's thread): the table is this context's alone
      Promise<T> asked = Promise.promise();
      context.runOnContext(v -> this.<T>ask(to, command).onComplete(asked));
      return asked.future();
    }
    if (!ready) {
      // only until the answer address is registered, right after the start
      return registered.compose(v -> ask(to, command));
    }
    long ticket = ++lastTicket;
    Promise<Answer> promise = Promise.promise();
    pending.put(ticket, new Pending(promise, System.nanoTime() + timeoutMs * 1_000_000));
    senders.computeIfAbsent(to, a -> bus.<Object>sender(a)).write(command.apply(ticket)).onFailure(e -> {
      Pending p = pending.remove(ticket);
      if (p != null) {
        p.promise.fail(e);
      }
    });
    return (Future<T>) promise.future();
  }

  public int size() {
    return pending.size();
  }

  private void answered(Object body) {
    if (!(body instanceof Answer answer)) {
      // nothing to match it with: what it should have answered fails at its timeout
      LOG.warn("An answer on {} that no tier sends ({}) was dropped", address,
          body == null ? "null" : body.getClass().getSimpleName());
      return;
    }
    Pending p = pending.remove(answer.ticket());
    if (p == null) {
      // answered after the timeout failed it: the asker has moved on
      return;
    }
    if (answer instanceof Refusal r) {
      p.promise.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, r.status(), r.message()));
    } else {
      p.promise.complete(answer);
    }
  }

  void sweep(long now) {
    Iterator<Pending> it = pending.values().iterator();
    while (it.hasNext()) {
      Pending p = it.next();
      if (p.deadline - now > 0) {
        return;
      }
      it.remove();
      p.promise.fail(new ReplyException(ReplyFailure.TIMEOUT,
          "Timed out after waiting " + timeoutMs + " ms for an answer (" + address + ")"));
    }
  }

  /** Stops taking answers; what still waits fails as if nobody served the address. */
  public Future<Void> close() {
    vertx.cancelTimer(sweepTimer);
    ReplyException closed = new ReplyException(ReplyFailure.NO_HANDLERS, "Stopped waiting for answers (" + address + ")");
    pending.values().forEach(p -> p.promise.tryFail(closed));
    pending.clear();
    return consumer.unregister();
  }
}
