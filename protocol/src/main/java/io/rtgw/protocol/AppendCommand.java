package io.rtgw.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** Fanout asks history to sequence and keep one message; {@code ts} is the acceptance time. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AppendCommand(
    String channel,
    @JsonRawValue @JsonDeserialize(using = Json.RawDeserializer.class) String data,
    String from,
    String key,
    long ts) {
}
