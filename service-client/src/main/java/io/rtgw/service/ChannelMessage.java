package io.rtgw.service;

/**
 * A message of a channel's history. {@code data} is the published JSON value as Vert.x decodes it
 * (JsonObject, JsonArray, String, Number, Boolean or null); {@code from} the publisher, if named.
 */
public record ChannelMessage(String channel, String epoch, long offset, Object data, String from, long ts) {

  public Position position() {
    return new Position(epoch, offset);
  }

  static ChannelMessage from(Body b) {
    return new ChannelMessage(b.string("channel"), b.string("epoch"), b.number("offset"), b.value("data"),
        b.optString("from"), b.number("ts"));
  }
}
