package io.rtgw.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A sequenced message, as stored in history and delivered on the bus. {@code data} is raw JSON text
 * passed through untouched; {@code from} is null for server-side publishes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(
    String channel,
    long offset,
    String epoch,
    @JsonRawValue @JsonDeserialize(using = Json.RawDeserializer.class) String data,
    String from,
    long ts) {
}
