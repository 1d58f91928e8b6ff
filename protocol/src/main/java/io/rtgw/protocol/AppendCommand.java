package io.rtgw.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * Fanout asks history to sequence and keep one message; {@code ts} is the acceptance time. Asked through
 * {@link Answers}, {@code answerTo} and {@code ticket} say where the answer goes and what it answers; sent
 * as a plain bus request they are null and 0, and the answer is the reply.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppendCommand(
    String channel,
    @JsonRawValue @JsonDeserialize(using = Json.RawDeserializer.class) String data,
    String from,
    String key,
    long ts,
    String answerTo,
    long ticket) implements Asked {

  public AppendCommand(String channel, String data, String from, String key, long ts) {
    this(channel, data, from, key, ts, null, 0);
  }
}
