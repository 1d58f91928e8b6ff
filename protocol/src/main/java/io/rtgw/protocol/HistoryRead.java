package io.rtgw.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A read of a channel's log. With {@code since} null the reply carries only the current position
 * (epoch and latest offset) and, if {@code limit > 0}, the newest {@code limit} messages; with
 * {@code since} it carries the messages after that position, oldest first, at most {@code limit}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryRead(String channel, Position since, int limit) {
}
