package io.rtgw.service;

import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;

/** A hook or event handler registered on the bus; {@link #unregister()} takes it off again. */
public final class Registration {

  private final MessageConsumer<?> consumer;

  Registration(MessageConsumer<?> consumer) {
    this.consumer = consumer;
  }

  public String address() {
    return consumer.address();
  }

  public Future<Void> unregister() {
    return consumer.unregister();
  }
}
