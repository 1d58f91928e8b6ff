package io.rtgw.connection.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.rtgw.connection.session.ClientSession;
import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.ConnectionEntry;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.config.EventsConfig;
import io.rtgw.protocol.config.MetricsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One connection instance's lifecycle events and its table of live connections (WebSocket and SSE; a
 * poll client has no connection to tell of). Publishes connected, disconnected, subscribed and
 * unsubscribed at once on {@code rt.events.*}, and reports to the registry what only the cluster can
 * decide: the connection for queries, and each channel's first local subscriber and last local leave,
 * from which the registry derives occupied and vacated. The control API acts on connections through
 * the table. Everything runs on this instance's event loop.
 */
public final class LifecycleEvents {

  /** What is known of a live connection. */
  public record Live(ClientSession session, String transport, long since, ServerSide control) {
  }

  private final Vertx vertx;
  private final EventsConfig config;
  private final String node;
  private final String holder;
  private final ConnectionReporter reporter;
  private final MeterRegistry meters;
  private final io.rtgw.protocol.events.EventPoster poster;
  private final Map<String, Live> live = new LinkedHashMap<>();
  private final Map<String, Set<String>> byUser = new HashMap<>();
  /** channel -> the local connections subscribed to it. */
  private final Map<String, Set<String>> channels = new HashMap<>();

  public LifecycleEvents(Vertx vertx, EventsConfig config, String node, String holder) {
    this.vertx = vertx;
    this.config = config;
    this.node = node;
    this.holder = holder;
    this.reporter = new ConnectionReporter(vertx, node, holder, config.batchMs(), config.maxBatch());
    MeterRegistry registry = BackendRegistries.getNow(MetricsConfig.REGISTRY);
    this.meters = registry != null ? registry : new CompositeMeterRegistry();
    this.poster = config.url() == null ? null : new io.rtgw.protocol.events.EventPoster(vertx, config,
        result -> Counter.builder("rtgw_lifecycle_posts").tag("result", result)
            .description("Batches of lifecycle events posted to events.url, by result").register(meters).increment());
  }

  public boolean enabled() {
    return config.enabled();
  }

  /** This instance's id in the registry, and the suffix of its control address. */
  public String holder() {
    return holder;
  }

  public void connected(ClientSession s, String transport, ServerSide control) {
    if (!config.enabled()) {
      return;
    }
    long since = System.currentTimeMillis();
    live.put(s.clientId(), new Live(s, transport, since, control));
    if (s.user() != null) {
      byUser.computeIfAbsent(s.user(), k -> new LinkedHashSet<>()).add(s.clientId());
    }
    reporter.opened(new ConnectionEntry(s.clientId(), s.user(), transport, node, holder, since));
    publish("connected", connection(s, transport));
  }

  /** After the session released its subscriptions (each reported unsubscribed before this). */
  public void disconnected(ClientSession s, String reason, Integer code) {
    Live l = live.remove(s.clientId());
    if (l == null) {
      return;
    }
    if (s.user() != null) {
      Set<String> mine = byUser.get(s.user());
      if (mine != null && mine.remove(s.clientId()) && mine.isEmpty()) {
        byUser.remove(s.user());
      }
    }
    reporter.closed(s.clientId());
    publish("disconnected", connection(s, l.transport()).put("reason", reason).put(Fields.CODE, code));
  }

  public void subscribed(ClientSession s, String channel) {
    if (!live.containsKey(s.clientId())) {
      return;
    }
    Set<String> here = channels.computeIfAbsent(channel, k -> new LinkedHashSet<>());
    // a client's own subscribe replacing its automatic one (the personal channel) is no new subscription
    if (!here.add(s.clientId())) {
      return;
    }
    if (here.size() == 1) {
      reporter.occupied(channel);
    }
    if (config.covers(ChannelName.namespace(channel))) {
      publish("subscribed", channelEvent(s, channel));
    }
  }

  public void unsubscribed(ClientSession s, String channel) {
    Set<String> here = channels.get(channel);
    if (here == null || !here.remove(s.clientId())) {
      return;
    }
    if (here.isEmpty()) {
      channels.remove(channel);
      reporter.vacated(channel);
    }
    if (config.covers(ChannelName.namespace(channel))) {
      publish("unsubscribed", channelEvent(s, channel));
    }
  }

  /** The live connections of {@code user} here. */
  public List<Live> ofUser(String user) {
    List<Live> out = new ArrayList<>();
    for (String client : byUser.getOrDefault(user, Set.of())) {
      out.add(live.get(client));
    }
    return out;
  }

  /** The live connection {@code client} here, or null. */
  public Live ofClient(String client) {
    return live.get(client);
  }

  /** Every live connection here. */
  public List<Live> all() {
    return new ArrayList<>(live.values());
  }

  /** The local connections subscribed to {@code channel}. */
  public List<Live> subscribers(String channel) {
    List<Live> out = new ArrayList<>();
    for (String client : channels.getOrDefault(channel, Set.of())) {
      out.add(live.get(client));
    }
    return out;
  }

  /** Sends what is pending (the transports closed every connection before this). */
  public void close() {
    reporter.flush();
    if (poster != null) {
      poster.close();
    }
  }

  private JsonObject connection(ClientSession s, String transport) {
    return new JsonObject().put(Fields.USER, s.user()).put(Fields.CLIENT, s.clientId()).put("transport", transport)
        .put("node", node).put("ts", System.currentTimeMillis());
  }

  private JsonObject channelEvent(ClientSession s, String channel) {
    return new JsonObject().put(Fields.USER, s.user()).put(Fields.CLIENT, s.clientId()).put(Fields.CHANNEL, channel)
        .put("node", node).put("ts", System.currentTimeMillis());
  }

  private void publish(String type, JsonObject body) {
    JsonObject event = new JsonObject().put(Fields.TYPE, type).mergeIn(body);
    Counter.builder("rtgw_lifecycle_events").tag("type", type)
        .description("Lifecycle events published (connected, disconnected, subscribed, unsubscribed, occupied, vacated)")
        .register(meters).increment();
    vertx.eventBus().publish(Addresses.event(type), event);
    if (poster != null) {
      poster.add(event);
    }
  }
}
