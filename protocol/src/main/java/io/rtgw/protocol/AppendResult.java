package io.rtgw.protocol;

/**
 * The stored message. {@code duplicate} is true when the idempotency key was seen within the window:
 * then {@code message} is the first publish's message and nothing new was stored or must be delivered.
 */
public record AppendResult(Message message, boolean duplicate) {

  public PublishResult toPublishResult() {
    return new PublishResult(message.channel(), message.epoch(), message.offset());
  }
}
