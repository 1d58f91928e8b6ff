package io.rtgw.protocol.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Json;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole gateway configuration. Read from conf/ JSON by {@link ConfigLoader}; every verticle gets it
 * as its deployment config and turns it back into this record with {@link #fromJson}.
 */
public record GatewayConfig(
    HttpConfig http,
    WebSocketConfig websocket,
    SseConfig sse,
    PollConfig poll,
    IdentityConfig identity,
    DeliveryConfig delivery,
    HistoryConfig history,
    PresenceConfig presence,
    RedisConfig redis,
    Map<String, NamespaceConfig> namespaces,
    ClusterConfig cluster,
    RolesConfig roles,
    DemoConfig demo,
    AuthConfig auth,
    LimitsConfig limits,
    MetricsConfig metrics,
    EventsConfig events,
    ControlConfig control,
    HooksConfig hooks,
    String nodeId) {

  static final ObjectMapper STRICT = Json.MAPPER.copy()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

  public GatewayConfig {
    http = http == null ? new HttpConfig(null, null, null, null, null, null, null, null, null, null, null, null, null) : http;
    websocket = websocket == null ? new WebSocketConfig(null, null, null, null, null, null, null) : websocket;
    sse = sse == null ? new SseConfig(null, null, null, null) : sse;
    poll = poll == null ? new PollConfig(null, null, null, null) : poll;
    identity = identity == null ? new IdentityConfig(null) : identity;
    delivery = delivery == null ? new DeliveryConfig(null, null, null, null, null, null, null, null, null, null, null, null, null) : delivery;
    history = history == null ? new HistoryConfig(null, null, null) : history;
    presence = presence == null ? new PresenceConfig(null, null, null, null, null) : presence;
    redis = redis == null ? new RedisConfig(null, null, null, null) : redis;
    Map<String, NamespaceConfig> ns = new LinkedHashMap<>();
    if (namespaces != null) {
      namespaces.forEach((name, value) -> ns.put(name, value == null ? new NamespaceConfig(null, null, null, null) : value));
    }
    ns.putIfAbsent(ChannelName.DEFAULT_NAMESPACE, new NamespaceConfig(null, null, null, null));
    namespaces = Map.copyOf(ns);
    cluster = cluster == null ? ClusterConfig.defaults() : cluster;
    roles = roles == null ? new RolesConfig(null, null, null, null, null) : roles;
    demo = demo == null ? new DemoConfig(null, null, null, null) : demo;
    auth = auth == null ? new AuthConfig(null, null, null, null, null) : auth;
    limits = limits == null ? new LimitsConfig(null, null, null, null, null, null, null, null, null, null, null) : limits;
    metrics = metrics == null ? new MetricsConfig(null, null) : metrics;
    events = events == null ? new EventsConfig(null, null, null, null, null, null) : events;
    control = control == null ? new ControlConfig(null, null) : control;
    if (control.enabled() && !events.enabled()) {
      throw new ConfigException("control.enabled needs events.enabled: the control API finds connections through "
          + "the connection registry that lifecycle events keep.");
    }
    hooks = hooks == null ? HooksConfig.defaults() : hooks;
    long longestQuiet = Math.max(Math.round(poll.maxTimeoutMs() * 1.1), Math.max(websocket.pingIntervalMs(),
        sse.keepAliveMs()));
    if (http.idleTimeoutMs() <= longestQuiet) {
      throw new ConfigException("http.idleTimeoutMs (" + http.idleTimeoutMs() + ") must be longer than the longest "
          + "quiet time of a healthy connection (" + longestQuiet + " ms: a held poll, a ping or a keep-alive).");
    }
    if (!auth.anonymous() && !auth.jwt().configured() && !identity.allowUserParam()) {
      throw new ConfigException("auth.anonymous is false but no client could ever connect: configure auth.jwt "
          + "keys (or, in development, identity.allowUserParam).");
    }
  }

  /**
   * This process's identity in the cluster (the cluster manager's node id), filled in by the launcher;
   * presence entries carry it so the entries of a node that leaves can be dropped at once.
   */
  public GatewayConfig withNodeId(String id) {
    return new GatewayConfig(http, websocket, sse, poll, identity, delivery, history, presence, redis, namespaces,
        cluster, roles, demo, auth, limits, metrics, events, control, hooks, id);
  }

  /** Every setting at its default. */
  public static GatewayConfig defaults() {
    return new GatewayConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null);
  }

  /**
   * The policy of a channel's namespace. Channels of unconfigured namespaces are refused: a typo in a
   * namespace would otherwise silently get default retention and permissions.
   */
  public NamespaceConfig namespaceOf(String channel) {
    String name = ChannelName.namespace(channel);
    NamespaceConfig ns = namespaces.get(name);
    if (ns == null) {
      throw GatewayException.badRequest("Unknown namespace '" + name + "' in channel '" + channel
          + "'; the server configures which namespaces exist.");
    }
    return ns;
  }

  public JsonObject toJson() {
    @SuppressWarnings("unchecked")
    Map<String, Object> map = Json.MAPPER.convertValue(this, Map.class);
    return new JsonObject(map);
  }

  public static GatewayConfig fromJson(JsonObject json) {
    if (json == null || json.isEmpty()) {
      return defaults();
    }
    // through text: nested values may be JsonObjects, which Jackson would read as beans
    return ConfigLoader.bind(parse(json.encode()), "the deployment config");
  }

  private static com.fasterxml.jackson.databind.JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException("The deployment config is not valid JSON.");
    }
  }
}
