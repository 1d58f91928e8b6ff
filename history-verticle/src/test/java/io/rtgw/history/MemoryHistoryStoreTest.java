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
}
