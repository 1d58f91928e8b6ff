package io.rtgw.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A page of a channel's log. {@code offset} is the latest offset in {@code epoch}; {@code recovered} is
 * false when the requested position could not be continued exactly (other epoch, evicted, in the future).
 */
public record HistoryPage(String channel, String epoch, long offset, boolean recovered, List<Message> messages) {

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    for (Message m : messages) {
      list.add(MessageJson.toJson(m));
    }
    return new JsonObject()
        .put("channel", channel)
        .put("epoch", epoch)
        .put("offset", offset)
        .put("recovered", recovered)
        .put("messages", list);
  }
}
