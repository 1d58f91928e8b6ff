package io.rtgw.protocol;

import java.util.List;

/**
 * The stored message. {@code duplicate} is true when the idempotency key was seen within the window:
 * then {@code message} is the first publish's message and nothing new was stored or must be delivered.
 * {@code routes} is null for a channel of a per-channel-routed namespace (the delivery is published on
 * its address); for a node-routed one, the connection instances with a live lease that hold a route to
 * it, read in the same atomic step that sequenced the message, so a route added before the append is
 * in it and one added after will find the message in history.
 */
public record AppendResult(Message message, boolean duplicate, List<String> routes, long ticket) implements Answer {

  public AppendResult(Message message, boolean duplicate, List<String> routes) {
    this(message, duplicate, routes, 0);
  }

  public AppendResult(Message message, boolean duplicate) {
    this(message, duplicate, null, 0);
  }

  /** This result as the answer to {@code asked}. */
  public AppendResult answering(Asked asked) {
    return asked.ticket() == ticket ? this : new AppendResult(message, duplicate, routes, asked.ticket());
  }

  public PublishResult toPublishResult() {
    return toPublishResult(0);
  }

  /** Where the publish landed, as the answer under {@code ticket} (0: a plain reply). */
  public PublishResult toPublishResult(long ticket) {
    return new PublishResult(message.channel(), message.epoch(), message.offset(), ticket);
  }
}
