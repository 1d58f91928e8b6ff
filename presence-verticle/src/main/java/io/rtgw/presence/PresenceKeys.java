package io.rtgw.presence;

import java.util.List;

/**
 * Where the presence registry lives in Redis. Every key carries the hash tag {@code {presence}}, so on a
 * Redis Cluster all of them sit on one slot and one script may touch any of them: an expiry sweep spans
 * channels and nodes, and must claim each entry in one atomic step. The prefix may not hold braces, so
 * the tag is always this one.
 *
 * <pre>
 * &lt;prefix&gt;{presence}:entries          hash  entry id -&gt; node
 * &lt;prefix&gt;{presence}:expiry           zset  entry id, scored by its expiry (epoch ms)
 * &lt;prefix&gt;{presence}:users:&lt;channel&gt;  hash  user -&gt; how many of its clients are in the channel
 * &lt;prefix&gt;{presence}:node:&lt;node&gt;     set   entry ids reported by the node
 * </pre>
 *
 * The script builds the entry ids and the per-channel and per-node names from {@link #base()}.
 */
record PresenceKeys(String prefix) {

  String base() {
    return prefix + "{presence}:";
  }

  /** The keys every script call declares. */
  List<String> declared() {
    return List.of(base() + "entries", base() + "expiry");
  }

  String users(String channel) {
    return base() + "users:" + channel;
  }

  String node(String node) {
    return base() + "node:" + node;
  }
}
