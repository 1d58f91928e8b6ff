package io.rtgw.protocol;

/**
 * A command asked through {@link Answers} that failed: the protocol error's HTTP status and sentence, as a
 * failed bus reply carries them.
 */
public record Refusal(long ticket, int status, String message) implements Answer {
}
