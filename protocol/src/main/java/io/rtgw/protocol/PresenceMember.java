package io.rtgw.protocol;

/** A user present in a channel and how many of its clients are. */
public record PresenceMember(String user, int clients) {
}
