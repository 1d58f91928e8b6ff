package io.rtgw.protocol;

/**
 * A connection node asks which channels were appended to after {@code cursor}, at most {@code limit} of
 * them. A null cursor asks only for a cursor to start from. The cursor is opaque: only the history tier
 * that handed it out reads it.
 */
public record ChangesRead(String cursor, int limit) {
}
