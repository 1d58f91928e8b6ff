package io.rtgw.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A page of a channel's log. {@code offset} is the latest offset in {@code epoch}; {@code recovered} is
 * false when the requested position could not be continued exactly (other epoch, evicted, in the future).
 *
 * <p>Within one JVM the codec hands this very instance to the reader, so {@code messages} is an
 * unmodifiable copy: whatever the producer later does with its list, readers see the page as it was made.
 * {@link List#copyOf} keeps an already unmodifiable list (e.g. the {@code List.of()} of an empty catch-up)
 * as it is; a list a store built while reading costs one copy of an array of references. That is once per
 * read (resume, gap healing, the periodic position checks, which read no messages), next to the
 * per-message work of the read itself, never per delivery.
 */
public record HistoryPage(String channel, String epoch, long offset, boolean recovered, List<Message> messages) {

  public HistoryPage {
    messages = List.copyOf(messages);
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    for (Message m : messages) {
      list.add(MessageJson.toJson(m));
    }
    return new JsonObject()
        .put(Fields.CHANNEL, channel)
        .put(Fields.EPOCH, epoch)
        .put(Fields.OFFSET, offset)
        .put(Fields.RECOVERED, recovered)
        .put(Fields.MESSAGES, list);
  }
}
