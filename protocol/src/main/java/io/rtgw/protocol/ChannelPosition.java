package io.rtgw.protocol;

/**
 * A channel's latest offset in its epoch, as history knew it when it answered. A connection node treats
 * it as a hint: a delivery may have told it something newer meanwhile.
 */
public record ChannelPosition(String channel, String epoch, long offset) {
}
