package io.rtgw.presence;

import io.vertx.core.Vertx;

/** The store contract on the in-memory store. */
class MemoryPresenceStoreTest extends PresenceStoreContract {

  @Override
  protected PresenceStore createStore(Vertx vertx) {
    return new MemoryPresenceStore();
  }
}
