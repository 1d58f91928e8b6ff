package io.rtgw.presence.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.rtgw.protocol.ConnectionEntry;
import io.rtgw.protocol.ConnectionReport;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.config.RedisConfig;
import io.rtgw.redis.LuaScript;
import io.rtgw.redis.RedisLink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The registry in Redis, shared by every presence instance and process (layout in registry.lua). Every
 * key carries the hash tag {@code {events}}, so on a Redis Cluster one script may touch all of them.
 * Each report is one script call: the occupancy decisions of concurrent reports never interleave.
 *
 * <p>No TTL: a connection leaves the registry when its node reports the close, or when the cluster
 * reports the node gone. A departed node is one call whatever its size (at 10,000 connections, tens of
 * milliseconds of Redis time).
 */
public final class RedisConnectionRegistry implements ConnectionRegistry {

  private static final LuaScript SCRIPT = LuaScript.load(RedisConnectionRegistry.class, "registry.lua");

  private final RedisLink link;
  private final String base;
  private final List<String> declared;
  private final String grace;

  public RedisConnectionRegistry(Vertx vertx, RedisConfig config, long graceMs) {
    this.link = new RedisLink(vertx, config, "registry");
    this.base = config.keyPrefix() + "{events}:";
    this.declared = List.of(base + "conn", base + "nodes", base + "vacating");
    this.grace = String.valueOf(graceMs);
  }

  @Override
  public Future<List<RegistryEvent>> apply(ConnectionReport r, long now) {
    List<String> args = new ArrayList<>();
    args.add(base);
    args.add("apply");
    args.add(r.node());
    args.add(r.holder());
    args.add(String.valueOf(r.opened().size()));
    args.add(String.valueOf(r.closed().size()));
    args.add(String.valueOf(r.vacated().size()));
    args.add(String.valueOf(r.occupied().size()));
    args.add(String.valueOf(now));
    args.add(grace);
    for (ConnectionEntry e : r.opened()) {
      args.add(e.client());
      args.add(e.user() == null ? "" : e.user());
      args.add(encode(e));
    }
    args.addAll(r.closed());
    args.addAll(r.vacated());
    args.addAll(r.occupied());
    return link.call(SCRIPT, declared, args).map(reply -> {
      List<RegistryEvent> events = new ArrayList<>();
      for (int i = 0; i + 1 < reply.size(); i += 2) {
        String type = reply.get(i).toString();
        String channel = reply.get(i + 1).toString();
        events.add(type.equals(RegistryEvent.OCCUPIED) ? RegistryEvent.occupied(channel) : RegistryEvent.vacated(channel));
      }
      return events;
    });
  }

  @Override
  public Future<List<RegistryEvent>> removeNode(String node, long now) {
    return link.call(SCRIPT, declared, List.of(base, "node", node, String.valueOf(now), grace)).map(reply -> {
      List<RegistryEvent> events = new ArrayList<>();
      for (int i = 0; i + 1 < reply.size(); i += 2) {
        String type = reply.get(i).toString();
        String value = reply.get(i + 1).toString();
        events.add(type.equals(RegistryEvent.DISCONNECTED) ? RegistryEvent.disconnected(decode(value))
            : RegistryEvent.vacated(value));
      }
      return events;
    });
  }

  @Override
  public Future<List<RegistryEvent>> vacate(long now) {
    return link.call(SCRIPT, declared, List.of(base, "vacate", String.valueOf(now), String.valueOf(VACATE_BATCH)))
        .map(reply -> {
          List<RegistryEvent> events = new ArrayList<>();
          for (int i = 0; i + 1 < reply.size(); i += 2) {
            events.add(RegistryEvent.vacated(reply.get(i + 1).toString()));
          }
          return events;
        });
  }

  @Override
  public Future<List<ConnectionEntry>> connections(String user) {
    return link.call(SCRIPT, declared, List.of(base, "connections", user)).map(reply -> {
      List<ConnectionEntry> out = new ArrayList<>();
      for (Response json : reply) {
        out.add(decode(json.toString()));
      }
      out.sort(Comparator.comparingLong(ConnectionEntry::since));
      return out;
    });
  }

  @Override
  public Future<ConnectionEntry> connection(String client) {
    return link.call(SCRIPT, declared, List.of(base, "connection", client))
        .map(reply -> reply.size() == 0 ? null : decode(reply.get(0).toString()));
  }

  @Override
  public Future<Set<String>> holders(String channel) {
    return holdersOf(channel);
  }

  @Override
  public Future<Set<String>> holders() {
    return holdersOf("");
  }

  @Override
  public Future<Void> close() {
    return link.close();
  }

  private Future<Set<String>> holdersOf(String channel) {
    return link.call(SCRIPT, declared, List.of(base, "holders", channel)).map(reply -> {
      Set<String> out = new HashSet<>();
      for (Response h : reply) {
        out.add(h.toString());
      }
      return out;
    });
  }

  private static String encode(ConnectionEntry e) {
    try {
      return Json.MAPPER.writeValueAsString(e);
    } catch (JsonProcessingException x) {
      throw new IllegalStateException("a connection entry always serialises", x);
    }
  }

  private static ConnectionEntry decode(String json) {
    try {
      return Json.MAPPER.readValue(json, ConnectionEntry.class);
    } catch (JsonProcessingException x) {
      throw new IllegalStateException("the registry holds a connection that is not JSON: " + json, x);
    }
  }
}
