package io.rtgw.connection.poll;

import io.rtgw.connection.Cursor;
import io.rtgw.connection.PresenceReporter;
import io.rtgw.connection.Tiers;
import io.rtgw.connection.http.HeldRequests;
import io.rtgw.connection.http.JsonReplies;
import io.rtgw.connection.http.Params;
import io.rtgw.connection.session.ClientSession;
import io.rtgw.connection.http.Authenticated;
import io.rtgw.connection.session.Authenticator;
import io.rtgw.connection.session.Identity;
import io.rtgw.connection.session.Limits;
import io.rtgw.connection.session.Sessions;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.PollConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Long polling at {@code GET /poll} and short polling at {@code GET /messages}. */
public final class PollTransport {

  /** The protocol's jitter: a held poll waits up to this fraction longer, so clients drift apart. */
  static final double JITTER = 0.10;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final PollConfig poll;
  private final Sessions sessions;
  private final Authenticator auth;
  private final Limits limits;
  private final Tiers tiers;
  private final ClientSession.Options options;
  private final Set<HeldPoll> held = new HashSet<>();
  private final PollPresence presence;
  private final PollDeadlines deadlines;

  public PollTransport(Vertx vertx, GatewayConfig config, Sessions sessions, Authenticator auth, Limits limits,
                       Tiers tiers, PresenceReporter reporter) {
    this.vertx = vertx;
    this.limits = limits;
    this.auth = auth;
    this.config = config;
    this.poll = config.poll();
    this.sessions = sessions;
    this.tiers = tiers;
    this.options = new ClientSession.Options(poll.maxChannels(), poll.maxMessages(), false, true, "poll");
    this.presence = new PollPresence(vertx, reporter, sessions.rules(), config.presence());
    this.deadlines = new PollDeadlines(vertx, withJitter(poll.maxTimeoutMs(), 1.0));
  }

  /**
   * Without a cursor: the position "now", at once. With one: what came after it, at once if there is
   * anything, else held until a message arrives or the timeout passes ({@code 204}). A channel the cursor
   * does not cover is positioned at now and answered at once, so the client gets a cursor covering it.
   */
  public void longPoll(RoutingContext ctx) {
    Authenticated.then(ctx, identify(ctx.request()), who -> {
      List<String> channels = Params.channels(ctx.request(), sessions.rules(), who, poll.maxChannels());
      afterSubscribeHooks(ctx, who, channels, () -> longPoll(ctx, who, channels));
    });
  }

  /**
   * The request's identity, with the connect hook's word on it: a poll is a connection of its own, so the
   * hook is asked on every poll (the application may remember its answers for a while).
   */
  private io.vertx.core.Future<Identity> identify(HttpServerRequest request) {
    return auth.authenticateWithGrants(request).compose(who -> {
      if (!sessions.hooks().connectOn()) {
        return io.vertx.core.Future.succeededFuture(who);
      }
      String given = request.getParam("client");
      String client = given != null ? given : who.user() != null ? "poll-" + who.user() : sessions.nextClientId();
      return sessions.hooks().connect("poll", who, limits.clientIp(request), request.headers(), client);
    });
  }

  /** Asks the subscribe hooks of the channels' namespaces, on every poll as for every subscribe; then {@code next}. */
  private void afterSubscribeHooks(RoutingContext ctx, Identity who, List<String> channels, Runnable next) {
    io.rtgw.connection.hooks.Hooks hooks = sessions.hooks();
    if (channels.stream().noneMatch(hooks::subscribeOn)) {
      next.run();
      return;
    }
    String client = PollPresence.client(ctx.request().getParam("client"), who.user());
    List<io.vertx.core.Future<Void>> asked = new ArrayList<>();
    for (String c : channels) {
      asked.add(hooks.subscribe("poll", who, client, c));
    }
    Authenticated.then(ctx, io.vertx.core.Future.all(asked).map(all -> who), w -> next.run());
  }

  private void longPoll(RoutingContext ctx, Identity who, List<String> channels) {
    HttpServerRequest request = ctx.request();
    String user = who.user();
    Cursor cursor = Params.resume(request, request.getParam("cursor"));
    String client = PollPresence.client(request.getParam("client"), user);
    presence.polled(user, client, channels);
    long timeoutMs = Params.timeoutMs(request, poll.timeoutMs(), poll.maxTimeoutMs());
    if (cursor == null || !coversAll(cursor, channels)) {
      answerNow(ctx, channels, cursor);
      return;
    }
    String ip = limits.clientIp(request);
    limits.admit(ip, user);
    HeldPoll[] self = new HeldPoll[1];
    HeldPoll p = new HeldPoll(vertx, ctx.response(), channels, deadlines,
        sink -> sessions.open(who, sink, options),
        () -> {
          held.remove(self[0]);
          limits.release(ip, user);
        });
    self[0] = p;
    held.add(p);
    HeldRequests.forgetRequest(request);
    long wait = withJitter(timeoutMs, ThreadLocalRandom.current().nextDouble());
    if (who.expiresAt() != null) {
      // a held poll ends with its token: answered then, the client polls again with a new one
      wait = Math.max(1, Math.min(wait, who.expiresAt() - System.currentTimeMillis()));
    }
    p.start(cursor, wait);
  }

  /** Like a long poll that never waits: always {@code 200}, with zero or more messages. */
  public void shortPoll(RoutingContext ctx) {
    Authenticated.then(ctx, identify(ctx.request()), who -> {
      List<String> channels = Params.channels(ctx.request(), sessions.rules(), who, poll.maxChannels());
      afterSubscribeHooks(ctx, who, channels, () -> shortPoll(ctx, who, channels));
    });
  }

  private void shortPoll(RoutingContext ctx, Identity who, List<String> channels) {
    HttpServerRequest request = ctx.request();
    String user = who.user();
    Cursor cursor = Params.resume(request, request.getParam("cursor"));
    presence.polled(user, PollPresence.client(request.getParam("client"), user), channels);
    answerNow(ctx, channels, cursor);
  }

  /** Polls now held. */
  public int size() {
    return held.size();
  }

  /** Answers each held poll at a random moment within {@code windowMs}: clients poll again, elsewhere. */
  public void drain(long windowMs) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (HeldPoll p : new ArrayList<>(held)) {
      p.answerAfter(windowMs <= 0 ? 0 : random.nextLong(windowMs));
    }
  }

  /** Answers every held poll with {@code 204}; used when the node stops (clients poll again, elsewhere). */
  public void closeAll() {
    presence.close();
    for (HeldPoll p : new ArrayList<>(held)) {
      p.noNews();
    }
  }

  private void answerNow(RoutingContext ctx, List<String> channels, Cursor cursor) {
    Backlog.read(tiers, channels, cursor, poll.maxMessages())
        .onSuccess(body -> JsonReplies.ok(ctx.response(), body))
        .onFailure(e -> JsonReplies.fail(ctx.response(), e));
  }

  private static boolean coversAll(Cursor cursor, List<String> channels) {
    for (String c : channels) {
      if (cursor.positionOf(c) == null) {
        return false;
      }
    }
    return true;
  }

  /** {@code share} of the jitter (0 to 1) added to {@code timeoutMs}. */
  private static long withJitter(long timeoutMs, double share) {
    return timeoutMs + (long) (timeoutMs * JITTER * share);
  }
}
