package io.rtgw.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * A publish a connection node makes on a client's behalf. {@code from} is the client's user id (null
 * when anonymous); {@code key} the optional idempotency key. {@code answerTo} and {@code ticket} as in
 * {@link AppendCommand}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PublishCommand(
    String channel,
    @JsonRawValue @JsonDeserialize(using = Json.RawDeserializer.class) String data,
    String from,
    String key,
    String answerTo,
    long ticket) implements Asked {

  public PublishCommand(String channel, String data, String from, String key) {
    this(channel, data, from, key, null, 0);
  }

  /** This command asked through {@code answers}' address under {@code ticket}. */
  public PublishCommand asked(String answers, long ticket) {
    return new PublishCommand(channel, data, from, key, answers, ticket);
  }
}
