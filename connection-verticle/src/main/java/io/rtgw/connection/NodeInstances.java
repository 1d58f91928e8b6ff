package io.rtgw.connection;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The connection-verticle instances of one deployment (one node), so {@code /health} answers for the node
 * and not for whichever instance the request landed on. Each instance's counters are read on its own
 * event loop and the answer hops back to the asking one: no instance reads another's state.
 */
final class NodeInstances implements Shareable {

  private static final String MAP = "rtgw.connection.instances";

  private record Member(Context context, Supplier<JsonObject> counters, int number, String holder) {
  }

  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger joined = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Registers the calling instance (on its own context) under its deployment's id; {@code holder} is its
   * id in the connection registry (its control address).
   */
  static NodeInstances join(Vertx vertx, String deployment, String holder, Supplier<JsonObject> counters) {
    LocalMap<String, NodeInstances> map = vertx.sharedData().getLocalMap(MAP);
    Context context = vertx.getOrCreateContext();
    return map.compute(deployment, (k, existing) -> {
      NodeInstances node = existing != null ? existing : new NodeInstances();
      node.members.add(new Member(context, counters, node.joined.getAndIncrement(), holder));
      return node;
    });
  }

  /** The calling instance's number in its deployment, 0 for the first to join: part of its instance id. */
  int number(Vertx vertx) {
    Context mine = vertx.getOrCreateContext();
    return members.stream().filter(m -> m.context() == mine).mapToInt(Member::number).findFirst().orElse(-1);
  }

  /** The registry ids of this node's instances (immutable ids: reading them crosses no instance's state). */
  List<String> holders() {
    return members.stream().map(Member::holder).toList();
  }

  /** Takes the calling instance out; the last one removes the entry. */
  void leave(Vertx vertx, String deployment) {
    Context mine = vertx.getOrCreateContext();
    LocalMap<String, NodeInstances> map = vertx.sharedData().getLocalMap(MAP);
    map.computeIfPresent(deployment, (k, node) -> {
      node.members.removeIf(m -> m.context() == mine);
      return node.members.isEmpty() ? null : node;
    });
  }

  int size() {
    return members.size();
  }

  /** Every instance's counters added up, numbers summed; other values are taken from the first instance. */
  Future<JsonObject> counters(Context asking) {
    List<Future<JsonObject>> parts = new ArrayList<>();
    for (Member m : members) {
      Promise<JsonObject> part = Promise.promise();
      m.context().runOnContext(v -> {
        JsonObject counts = m.counters().get();
        asking.runOnContext(w -> part.complete(counts));
      });
      parts.add(part.future());
    }
    return Future.all(parts).map(all -> {
      JsonObject sum = new JsonObject();
      for (int i = 0; i < all.size(); i++) {
        JsonObject one = all.resultAt(i);
        one.forEach(e -> {
          Object before = sum.getValue(e.getKey());
          if (e.getValue() instanceof Number n && before instanceof Number b) {
            sum.put(e.getKey(), b.longValue() + n.longValue());
          } else if (before == null) {
            sum.put(e.getKey(), e.getValue());
          }
        });
      }
      return sum;
    });
  }
}
