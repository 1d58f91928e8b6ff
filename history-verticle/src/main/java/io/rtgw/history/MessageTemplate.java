package io.rtgw.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.rtgw.protocol.AppendCommand;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Message;

/**
 * A message's JSON with a hole where its offset and epoch go. Only the append script knows them, and it
 * must store the message exactly as {@link Json#MAPPER} writes it (the raw {@code data} untouched), so
 * Java writes the message with placeholders and cuts them out: the script joins
 * {@code head + ,"offset":N,"epoch":"E" + tail}. The placeholders follow the channel, which holds no quote,
 * so their first occurrence is the right one whatever {@code data} contains.
 */
record MessageTemplate(String head, String tail) {

  // append.lua spells these two names again: a script cannot read Fields
  private static final String OFFSET = ",\"" + Fields.OFFSET + "\":";
  private static final String EPOCH = ",\"" + Fields.EPOCH + "\":";
  private static final String HOLE = OFFSET + "0" + EPOCH + "\"\"";

  static MessageTemplate of(AppendCommand cmd) {
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(new Message(cmd.channel(), 0, "", cmd.data(), cmd.from(), cmd.ts()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a message always serialises", e);
    }
    int at = json.indexOf(HOLE);
    if (at < 0) {
      throw new IllegalStateException("Message JSON no longer has offset and epoch after the channel: " + json);
    }
    return new MessageTemplate(json.substring(0, at), json.substring(at + HOLE.length()));
  }

  /** What the append script makes of it (epochs are plain letters and digits: no escaping). */
  String fill(long offset, String epoch) {
    return head + OFFSET + offset + EPOCH + "\"" + epoch + "\"" + tail;
  }
}
