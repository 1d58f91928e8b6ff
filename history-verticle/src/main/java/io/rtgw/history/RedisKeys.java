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
 * &lt;prefix&gt;history:changes                 stream, one entry per append {c, e, o}: the connection nodes' feed
 * &lt;prefix&gt;history:{&lt;channel&gt;}:route       sorted set of connection instance ids (node-routed
 *                                          namespaces), scored 2 x batch number + 1 held, + 0 removed
 * &lt;prefix&gt;history:lease:&lt;instance&gt;        string, the instance's node id; the instance's lease, with its TTL
 * &lt;prefix&gt;history:node:&lt;node&gt;            set of the instance ids of one node, to end its leases at once
 * </pre>
 *
 * <p>The changes feed is one key for all channels, so an append touches a key outside its channel's slot:
 * fine on the one Redis the store connects to; a Redis Cluster would need one feed per slot.
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

  String routes(String channel) {
    // not ":routes", the plain set of earlier versions: a running Redis may still hold those
    return base(channel) + ":route";
  }

  /** Lease keys are this and the instance id: append.lua checks a route's lease with it. */
  String leasePrefix() {
    return prefix + "history:lease:";
  }

  String lease(String instance) {
    return leasePrefix() + instance;
  }

  String nodeLeases(String node) {
    return prefix + "history:node:" + node;
  }

  String changes() {
    return prefix + "history:changes";
  }

  private String base(String channel) {
    return prefix + "history:{" + channel + "}";
  }
}
