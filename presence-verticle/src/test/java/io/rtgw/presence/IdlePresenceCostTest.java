package io.rtgw.presence;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.PresenceEntry;
import io.rtgw.protocol.PresenceReport;
import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.testkit.RedisServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an idle registry of 19,000 entries costs on Redis: two presence instances (as conf/core.json runs)
 * and two connection instances holding 9,500 entries each, through one heartbeat interval of store time
 * (10 s: one heartbeat per connection instance, a sweep and an entries count per presence instance each
 * second). Prints Redis commands per second (INFO commandstats, the commands inside scripts included),
 * Redis CPU and this JVM's CPU per second of the interval; asserts only the command count, which does not
 * depend on the machine's speed.
 */
class IdlePresenceCostTest {

  private static final Logger LOG = LoggerFactory.getLogger(IdlePresenceCostTest.class);
  static final int ENTRIES = 19_000;
  static final int HOLDERS = 2;
  static final int PRESENCE_INSTANCES = 2;
  static final long HEARTBEAT_MS = 10_000;
  static final long TTL = 3 * HEARTBEAT_MS;
  static final long SWEEP_MS = 1_000;

  private static RedisServer server;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void an_idle_registry_of_19000_entries_costs_a_few_redis_commands_a_second() {
    Context context = vertx.getOrCreateContext();
    List<PresenceStore> instances = new ArrayList<>();
    for (int i = 0; i < PRESENCE_INSTANCES; i++) {
      instances.add(new RedisPresenceStore(vertx, new RedisConfig(server.endpoint(), 10_000, 10_000L, "idle:")));
    }
    List<List<PresenceEntry>> held = new ArrayList<>();
    for (int h = 0; h < HOLDERS; h++) {
      List<PresenceEntry> entries = new ArrayList<>();
      for (int u = h; u < ENTRIES; u += HOLDERS) {
        entries.add(new PresenceEntry("user:u" + u, "u" + u, "c" + u));
      }
      held.add(entries);
      String holder = holder(h);
      await(context, () -> instances.get(0).apply(new PresenceReport(holder, entries, null, null), 0, TTL));
      await(context, () -> heartbeat(instances.get(0), holder, entries, 1));
    }
    long redisCpuBefore = redisCpuMicros();
    long jvmCpuBefore = jvmCpuNanos();
    server.command("CONFIG RESETSTAT");

    for (long now = 2; now < 2 + HEARTBEAT_MS; now += SWEEP_MS) {
      long t = now;
      if (now == 2) {
        for (int h = 0; h < HOLDERS; h++) {
          int holder = h;
          await(context, () -> heartbeat(instances.get(holder % PRESENCE_INSTANCES), holder(holder), held.get(holder), t));
        }
      }
      for (PresenceStore instance : instances) {
        await(context, () -> instance.expire(t).compose(events -> {
          assertThat(events).isEmpty();
          return instance.entries();
        }));
      }
    }

    double seconds = HEARTBEAT_MS / 1000.0;
    long commands = commands();
    double redisCpuMs = (redisCpuMicros() - redisCpuBefore) / 1000.0;
    double jvmCpuMs = (jvmCpuNanos() - jvmCpuBefore) / 1e6;
    LOG.info("Idle presence, {} entries, {} connection instances, {} presence instances, per second of a {} s heartbeat "
            + "interval: {} Redis commands/s, Redis CPU {} ms/s, presence-tier CPU {} ms/s", ENTRIES, HOLDERS,
        PRESENCE_INSTANCES, seconds, String.format("%.1f", commands / seconds), String.format("%.2f", redisCpuMs / seconds),
        String.format("%.2f", jvmCpuMs / seconds));
    assertThat(await(context, () -> instances.get(0).entries())).isEqualTo(ENTRIES);
    instances.forEach(PresenceStore::close);
    // a sweep: the script and its ZRANGEBYSCORE; a count: HLEN; a renewal: the script and four commands
    assertThat(commands / seconds).isLessThanOrEqualTo(20);
  }

  /** One connection instance's heartbeat: a lease renewal. */
  private static Future<?> heartbeat(PresenceStore store, String holder, List<PresenceEntry> entries, long now) {
    return store.renew(holder, now, TTL);
  }

  private static String holder(int h) {
    return PresenceReport.holder("node-1", "i" + h);
  }

  private static <T> T await(Context context, Supplier<Future<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        result.complete(ar.result());
      } else {
        result.completeExceptionally(ar.cause());
      }
    }));
    try {
      return result.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Every command Redis ran since the reset, those inside scripts included, but not INFO/CONFIG. */
  private static long commands() {
    long n = 0;
    for (String line : info("commandstats").split("\r?\n")) {
      if (line.startsWith("cmdstat_") && !line.matches("cmdstat_(info|config)[:|].*")) {
        n += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
      }
    }
    return n;
  }

  private static long redisCpuMicros() {
    double seconds = 0;
    for (String line : info("cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return (long) (seconds * 1e6);
  }

  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** An INFO section: a bulk reply, which the test server's one-line command() does not read. */
  private static String info(String section) {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(("INFO " + section + "\r\n").getBytes(StandardCharsets.US_ASCII));
      DataInputStream in = new DataInputStream(s.getInputStream());
      StringBuilder header = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        header.append((char) c);
      }
      byte[] body = new byte[Integer.parseInt(header.toString().trim().substring(1))];
      in.readFully(body);
      return new String(body, StandardCharsets.US_ASCII);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
