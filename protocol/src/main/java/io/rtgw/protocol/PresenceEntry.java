package io.rtgw.protocol;

/** One client of one user present in one channel. {@code client} is unique per connection or poll client. */
public record PresenceEntry(String channel, String user, String client) {
}
