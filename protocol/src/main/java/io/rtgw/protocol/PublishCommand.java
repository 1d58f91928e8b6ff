package io.rtgw.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A publish a connection node makes on a client's behalf. {@code from} is the client's user id (null
 * when anonymous); {@code key} the optional idempotency key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PublishCommand(
    String channel,
    @JsonRawValue @JsonDeserialize(using = Json.RawDeserializer.class) String data,
    String from,
    String key) {
}
