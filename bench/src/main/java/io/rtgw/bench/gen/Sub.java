package io.rtgw.bench.gen;

import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.WebSocket;
import java.util.BitSet;

/**
 * One simulated subscriber: its channel, its live connection, where it would resume from, and what it
 * received. Fields are touched only on the generator's single event loop.
 */
final class Sub {

  final String channel;
  final Tally tally;
  final boolean publisherOnly;
  Promise<Void> ready = Promise.promise();
  /** Bumped on every (re)connect, so callbacks of a dropped connection are ignored. */
  int generation;
  boolean closed;
  WebSocket ws;
  HttpClientRequest request;
  /** The Engine.IO session of a Socket.IO long-poller. */
  String sid;

  long received;
  long duplicates;
  /** Times the server closed this subscriber's live connection (not a drop or close of ours), and the last code. */
  int serverCloses;
  short lastCloseCode;
  /** When the server last closed it (epoch ms). */
  long lastServerCloseAt;
  /** Publishes the server refused or failed (a publisher's error replies). */
  long publishErrors;
  /** Publishes the server confirmed (where it confirms them). */
  long publishAcks;
  /** Sequence numbers seen, kept only where loss is counted (the reconnect storm). */
  BitSet seen;

  // where to resume, per dialect: the gateway's position, Socket.IO's session and offset, nchan's id
  String epoch;
  long offset = -1;
  String pid;
  String resumeToken;
  String cursor;
  String etag;

  // what the last resume looked like, reported for a client that lost messages
  long resumedSince = -1;
  long resumedTo = -1;
  boolean resumedRecovered;
  int errorFrames;
  final StringBuilder firstDuplicates = new StringBuilder();
  int resets;

  /** The user this connection identifies as ({@code ?user=}), or null for an anonymous one. */
  String user;
  /** The server connection this subscriber was opened to (a generator may hold several at once). */
  Transport transport;
  /** The gateway subscribed an identified connection to {@code user:<id>} (a {@code subscribed} without id). */
  boolean inboxSubscribed;
  /** The channel this subscriber tracks was confirmed subscribed. */
  boolean channelSubscribed;
  /** The server accepted the permessage-deflate this connection offered. */
  boolean deflate;

  Sub(String channel, Tally tally, boolean track, boolean publisherOnly) {
    this.channel = channel;
    this.tally = tally;
    this.publisherOnly = publisherOnly;
    this.seen = track ? new BitSet() : null;
  }

  void ready() {
    ready.tryComplete();
  }

  /** The personal channel {@code user:<id>} is the one this subscriber tracks (direct messages). */
  boolean personal() {
    return user != null && channel.equals("user:" + user);
  }

  /** A payload arrived: counted, timed, and checked for repeats where loss is tracked. */
  void deliver(long seq, long sentNanos) {
    if (publisherOnly || closed) {
      return;
    }
    if (seen != null && seq >= 0 && seq < Integer.MAX_VALUE) {
      if (seen.get((int) seq)) {
        if (duplicates < 5) {
          firstDuplicates.append(seq).append(' ');
        }
        duplicates++;
        return;
      }
      seen.set((int) seq);
    }
    received++;
    tally.delivered(sentNanos);
  }
}
