package io.rtgw.protocol;

import io.vertx.core.json.JsonObject;

/** Where a publish landed. */
public record PublishResult(String channel, String epoch, long offset, long ticket) implements Answer {

  public PublishResult(String channel, String epoch, long offset) {
    this(channel, epoch, offset, 0);
  }

  /** This result as the answer to {@code asked}. */
  public PublishResult answering(Asked asked) {
    return new PublishResult(channel, epoch, offset, asked.ticket());
  }

  public JsonObject toJson() {
    return new JsonObject().put(Fields.CHANNEL, channel).put(Fields.EPOCH, epoch).put(Fields.OFFSET, offset);
  }
}
