package io.rtgw.protocol;

import io.vertx.core.json.JsonObject;

/** Where a publish landed. */
public record PublishResult(String channel, String epoch, long offset) {

  public JsonObject toJson() {
    return new JsonObject().put(Fields.CHANNEL, channel).put(Fields.EPOCH, epoch).put(Fields.OFFSET, offset);
  }
}
