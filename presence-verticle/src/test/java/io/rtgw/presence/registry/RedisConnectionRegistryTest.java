package io.rtgw.presence.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.ConnectionEntry;
import io.rtgw.protocol.ConnectionReport;
import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry contract on a real redis-server (started for this class; a key prefix per test), and
 * what only a shared store has: instances reporting at once still occupy and vacate each channel once.
 */
class RedisConnectionRegistryTest extends ConnectionRegistryContract {

  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static RedisServer server;
  private String prefix;
  private long graceMs;

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  @Override
  protected ConnectionRegistry createRegistry(Vertx vertx, long graceMs) {
    prefix = "r" + PREFIXES.incrementAndGet() + ":";
    this.graceMs = graceMs;
    return instance();
  }

  /** Another presence instance on the same keys. */
  private ConnectionRegistry instance() {
    return new RedisConnectionRegistry(vertx, new RedisConfig(server.endpoint(), 10_000, 10_000L, prefix), graceMs);
  }

  @Test
  void four_instances_applying_at_once_occupy_and_vacate_each_channel_once() {
    List<ConnectionRegistry> instances = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      instances.add(instance());
    }
    List<String> channels = new ArrayList<>();
    for (int c = 0; c < 50; c++) {
      channels.add("chat:c" + c);
    }
    List<RegistryEvent> occupied = all(4, i -> instances.get(i).apply(new ConnectionReport("n" + i, "n" + i + "/a",
        List.of(new ConnectionEntry("c" + i, "u" + i, "ws", "n" + i, "n" + i + "/a", i)), List.of(), channels, List.of()), now));
    assertThat(occupied).hasSize(50).allMatch(e -> e.type().equals(RegistryEvent.OCCUPIED));
    assertThat(occupied.stream().map(RegistryEvent::channel).distinct()).hasSize(50);
    assertThat(all(4, i -> instances.get(i).apply(new ConnectionReport("n" + i, "n" + i + "/a", List.of(),
        List.of("c" + i), List.of(), channels), now))).as("the grace").isEmpty();
    now += GRACE;
    List<RegistryEvent> vacated = all(4, i -> instances.get(i).vacate(now));
    assertThat(vacated).hasSize(50).allMatch(e -> e.type().equals(RegistryEvent.VACATED));
    assertThat(vacated.stream().map(RegistryEvent::channel).distinct()).hasSize(50);
    instances.forEach(r -> await(r::close));
  }

  @Test
  void two_instances_racing_the_check_vacate_each_channel_once() {
    ConnectionRegistry other = instance();
    List<String> channels = new ArrayList<>();
    for (int c = 0; c < 200; c++) {
      channels.add("chat:v" + c);
    }
    report("n1", "n1/a", List.of(), List.of(), channels, List.of());
    report("n1", "n1/a", List.of(), List.of(), List.of(), channels);
    now += GRACE;
    // each instance checks several times at once, as their timers would on a slow Redis
    List<ConnectionRegistry> checkers = List.of(registry, other, registry, other, registry, other);
    List<RegistryEvent> vacated = all(checkers.size(), i -> checkers.get(i).vacate(now));
    assertThat(vacated).hasSize(200).allMatch(e -> e.type().equals(RegistryEvent.VACATED));
    assertThat(vacated.stream().map(RegistryEvent::channel).distinct()).hasSize(200);
    assertThat(all(checkers.size(), i -> checkers.get(i).vacate(now))).isEmpty();
    await(other::close);
  }

  /** Makes {@code n} calls at once (all sent before any answer is read); every event they answered. */
  private List<RegistryEvent> all(int n, java.util.function.IntFunction<Future<List<RegistryEvent>>> call) {
    return await(() -> {
      List<Future<List<RegistryEvent>>> calls = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        calls.add(call.apply(i));
      }
      return Future.all(calls).map(done -> {
        List<RegistryEvent> out = new ArrayList<>();
        calls.forEach(f -> out.addAll(f.result()));
        return out;
      });
    });
  }
}
