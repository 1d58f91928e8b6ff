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

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  @Override
  protected ConnectionRegistry createRegistry(Vertx vertx) {
    prefix = "r" + PREFIXES.incrementAndGet() + ":";
    return instance();
  }

  private ConnectionRegistry instance() {
    return new RedisConnectionRegistry(vertx, new RedisConfig(server.endpoint(), 10_000, 10_000L, prefix));
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
    List<RegistryEvent> occupied = all(instances, i -> new ConnectionReport("n" + i, "n" + i + "/a",
        List.of(new ConnectionEntry("c" + i, "u" + i, "ws", "n" + i, "n" + i + "/a", i)), List.of(), channels, List.of()));
    assertThat(occupied).hasSize(50).allMatch(e -> e.type().equals(RegistryEvent.OCCUPIED));
    assertThat(occupied.stream().map(RegistryEvent::channel).distinct()).hasSize(50);
    List<RegistryEvent> vacated = all(instances, i -> new ConnectionReport("n" + i, "n" + i + "/a", List.of(),
        List.of("c" + i), List.of(), channels));
    assertThat(vacated).hasSize(50).allMatch(e -> e.type().equals(RegistryEvent.VACATED));
    assertThat(vacated.stream().map(RegistryEvent::channel).distinct()).hasSize(50);
    instances.forEach(r -> await(r::close));
  }

  private List<RegistryEvent> all(List<ConnectionRegistry> instances,
                                  java.util.function.IntFunction<ConnectionReport> report) {
    return await(() -> {
      List<Future<List<RegistryEvent>>> calls = new ArrayList<>();
      for (int i = 0; i < instances.size(); i++) {
        calls.add(instances.get(i).apply(report.apply(i)));
      }
      return Future.all(calls).map(done -> {
        List<RegistryEvent> out = new ArrayList<>();
        calls.forEach(f -> out.addAll(f.result()));
        return out;
      });
    });
  }
}
