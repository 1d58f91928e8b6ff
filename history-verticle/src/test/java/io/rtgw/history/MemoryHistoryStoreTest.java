package io.rtgw.history;

import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;

/** The store contract on the in-memory store, with a clock the test moves. */
class MemoryHistoryStoreTest extends HistoryStoreContract {

  private final AtomicLong clock = new AtomicLong(1_763_800_000_000L);

  @Override
  protected HistoryStore createStore(Vertx vertx, long idempotencyWindowMs, int changesRetained) {
    return new MemoryHistoryStore(idempotencyWindowMs, clock::get, channel -> SMALL, changesRetained);
  }

  @Override
  protected long now() {
    return clock.get();
  }

  @Override
  protected void letTimePass(long ms) {
    clock.addAndGet(ms);
  }

  @org.junit.jupiter.api.Test
  void a_sweep_round_goes_in_slices_and_drops_every_idle_channel() {
    MemoryHistoryStore memory = (MemoryHistoryStore) store;
    int channels = 2 * MemoryHistoryStore.SWEEP_SLICE + 10;
    for (int i = 0; i < channels; i++) {
      append("chat:idle-" + i, "1", null, SMALL);
    }
    int held = memory.channelCount();
    org.assertj.core.api.Assertions.assertThat(held).isEqualTo(channels);
    letTimePass(SMALL.historyAgeMs() + 48 * 3_600_000L);
    java.util.List<Integer> left = new java.util.ArrayList<>();
    boolean more = true;
    while (more) {
      more = memory.sweep();
      left.add(memory.channelCount());
    }
    org.assertj.core.api.Assertions.assertThat(left).as("channels left after each slice")
        .hasSize((held + MemoryHistoryStore.SWEEP_SLICE - 1) / MemoryHistoryStore.SWEEP_SLICE);
    org.assertj.core.api.Assertions.assertThat(memory.channelCount()).isZero();
  }
}
