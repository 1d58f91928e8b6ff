package io.rtgw.presence.registry;

import io.vertx.core.Vertx;

class MemoryConnectionRegistryTest extends ConnectionRegistryContract {

  @Override
  protected ConnectionRegistry createRegistry(Vertx vertx, long graceMs) {
    return new MemoryConnectionRegistry(graceMs);
  }
}
