package io.rtgw.service;

/**
 * The gateway asks whether a client may publish {@code data} (any JSON value) to a channel.
 * {@code client} is null for a publish without a connection (POST /publish).
 */
public record PublishRequest(String user, String client, String channel, Object data) {

  static PublishRequest from(Body b) {
    b.expect("hook", "publish");
    if (!b.json().containsKey("data")) {
      throw new RtgwException(ProtocolCode.BAD_REQUEST, "The publish hook request has no field 'data'.");
    }
    return new PublishRequest(b.optString("user"), b.optString("client"), b.string("channel"), b.value("data"));
  }
}
