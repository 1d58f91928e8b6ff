package io.rtgw.deploy;

import static io.rtgw.testkit.Eventually.eventually;

import io.rtgw.protocol.Addresses;
import io.rtgw.testkit.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The application's side of lifecycle events in a test: consumers on every {@code rt.events.*} address
 * of a (clustered) Vertx, keeping every event heard, in order.
 */
final class LifecycleLog implements AutoCloseable {

  static final List<String> TYPES = List.of("connected", "disconnected", "subscribed", "unsubscribed", "occupied",
      "vacated");

  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();

  LifecycleLog(Vertx vertx) {
    List<Future<Void>> ready = new ArrayList<>();
    for (String type : TYPES) {
      MessageConsumer<JsonObject> c = vertx.eventBus().consumer(Addresses.event(type), m -> events.add(m.body()));
      consumers.add(c);
      ready.add(c.completion());
    }
    WsClient.await(Future.all(ready));
  }

  List<JsonObject> all(Predicate<JsonObject> p) {
    return events.stream().filter(p).toList();
  }

  List<JsonObject> of(String type, String field, String value) {
    return all(e -> type.equals(e.getString("type")) && value.equals(e.getString(field)));
  }

  /** Waits for an event of {@code type} whose {@code field} is {@code value}. */
  JsonObject await(String type, String field, String value) {
    return eventually(Duration.ofSeconds(15), () -> {
      List<JsonObject> found = of(type, field, value);
      if (found.isEmpty()) {
        throw new AssertionError("no " + type + " event with " + field + "=" + value + " among " + events);
      }
      return found.get(0);
    });
  }

  @Override
  public void close() {
    consumers.forEach(c -> WsClient.await(c.unregister()));
  }
}
