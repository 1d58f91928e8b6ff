package io.rtgw.connection.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.rtgw.protocol.config.LimitsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The node's counts taken by many threads at once, the way several connection instances take them from
 * their own event loops: no limit is ever passed, and what is given back can be taken again.
 */
class NodeLimitsTest {

  private static final int THREADS = 8;
  private static final int TRIES = 2_000;

  private static LimitsConfig limits(int perNode, int perUser, int perIp, int ratePerIp) {
    return new LimitsConfig(perNode, perUser, perIp, ratePerIp, 0, 0, 0, 0, 0, 0, LimitsConfig.MEMORY);
  }

  @Test
  void racing_threads_take_exactly_the_slots_there_are() throws InterruptedException {
    NodeLimits node = new NodeLimits(limits(300, 50, 120, 0), "test");
    AtomicInteger nodeSlots = new AtomicInteger();
    AtomicInteger userSlots = new AtomicInteger();
    AtomicInteger ipSlots = new AtomicInteger();
    race(() -> {
      if (node.takeNodeSlot()) {
        nodeSlots.incrementAndGet();
      }
      if (node.takeUserSlot("alice")) {
        userSlots.incrementAndGet();
      }
      if (node.takeIpSlot("10.0.0.1")) {
        ipSlots.incrementAndGet();
      }
    });
    assertThat(nodeSlots.get()).isEqualTo(300);
    assertThat(node.connections()).isEqualTo(300);
    assertThat(userSlots.get()).isEqualTo(50);
    assertThat(ipSlots.get()).isEqualTo(120);
    node.releaseUserSlot("alice");
    assertThat(node.takeUserSlot("alice")).as("a slot given back is free again").isTrue();
    assertThat(node.takeUserSlot("alice")).isFalse();
    assertThat(node.takeUserSlot("bob")).as("another user has slots of its own").isTrue();
  }

  @Test
  void one_rate_bucket_per_address_for_all_threads() throws InterruptedException {
    NodeLimits node = new NodeLimits(limits(0, 0, 0, 5), "test");
    AtomicInteger taken = new AtomicInteger();
    long started = System.nanoTime();
    race(() -> {
      if (node.takeRate("10.0.0.2")) {
        taken.incrementAndGet();
      }
    });
    double seconds = (System.nanoTime() - started) / 1e9;
    // a burst of 5, then 5 a second: what the elapsed time allowed across every thread together
    assertThat(taken.get()).isGreaterThanOrEqualTo(5).isLessThanOrEqualTo(5 + (int) Math.ceil(5 * seconds));
  }

  private static void race(Runnable attempt) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < TRIES; i++) {
          attempt.run();
        }
      });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
  }
}
