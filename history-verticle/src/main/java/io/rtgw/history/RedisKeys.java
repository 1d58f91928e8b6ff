package io.rtgw.history;

/**
 * Where a channel's history lives in Redis. Every key of a channel carries the channel as its hash tag
 * ({@code {chat:room42}}), so on a Redis cluster all of them sit on one slot and one script can touch them;
 * channel names cannot contain braces and the prefix may not, so the channel is always the tag.
 *
 * <pre>
 * &lt;prefix&gt;history:{&lt;channel&gt;}:meta        hash {epoch, top}
 * &lt;prefix&gt;history:{&lt;channel&gt;}:log         stream, entry id = offset, fields t (ts), m (message JSON)
 * &lt;prefix&gt;history:{&lt;channel&gt;}:key:&lt;key&gt;   string, the first message published with that idempotency key
 * </pre>
 */
record RedisKeys(String prefix) {

  String meta(String channel) {
    return base(channel) + ":meta";
  }

  String log(String channel) {
    return base(channel) + ":log";
  }

  String idempotency(String channel, String key) {
    return base(channel) + ":key:" + key;
  }

  private String base(String channel) {
    return prefix + "history:{" + channel + "}";
  }
}
