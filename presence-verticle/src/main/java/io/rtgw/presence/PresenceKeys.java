package io.rtgw.presence;

import java.util.List;

/**
 * Where the presence registry lives in Redis. Every key carries the hash tag {@code {presence}}, so on a
 * Redis Cluster all of them sit on one slot and one script may touch any of them: a removal spans
 * channels and holders, and must claim each entry in one atomic step. The prefix may not hold braces, so
 * the tag is always this one.
 *
 * <pre>
 * &lt;prefix&gt;{presence}:entries          hash  entry id -&gt; holder (a connection instance)
 * &lt;prefix&gt;{presence}:leases           zset  holder, scored by its lease's expiry (epoch ms)
 * &lt;prefix&gt;{presence}:partial          set   holders whose lease a report started (they re-assert)
 * &lt;prefix&gt;{presence}:users:&lt;channel&gt;  hash  user -&gt; how many of its clients are in the channel
 * &lt;prefix&gt;{presence}:node:&lt;holder&gt;   set   entry ids the holder reported
 * &lt;prefix&gt;{presence}:holders:&lt;node&gt;  set   a cluster node's holders
 * </pre>
 *
 * The script builds the entry ids and the other names from {@link #base()}.
 */
record PresenceKeys(String prefix) {

  String base() {
    return prefix + "{presence}:";
  }

  /** The keys every script call declares. */
  List<String> declared() {
    return List.of(base() + "entries", base() + "leases");
  }

  String users(String channel) {
    return base() + "users:" + channel;
  }

  /** The set of a holder's entries (named node: as when the holder was the node). */
  String node(String holder) {
    return base() + "node:" + holder;
  }

  String holders(String node) {
    return base() + "holders:" + node;
  }
}
