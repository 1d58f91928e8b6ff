package io.rtgw.protocol;

/** A place in a channel: the offset of the last message seen, within one epoch. */
public record Position(String epoch, long offset) {
}
