package io.rtgw.protocol.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtgw.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a configuration file, lays it over the defaults, applies environment overrides and checks it.
 *
 * <p>Every setting has an environment name: {@code GATEWAY_} and its path in upper snake case, e.g.
 * {@code http.port} is {@code GATEWAY_HTTP_PORT}, {@code websocket.pingIntervalMs} is
 * {@code GATEWAY_WEBSOCKET_PING_INTERVAL_MS}, {@code namespaces.chat.historySize} is
 * {@code GATEWAY_NAMESPACES_CHAT_HISTORY_SIZE}. Lists take comma-separated values.
 */
public final class ConfigLoader {

  public static final String ENV_PREFIX = "GATEWAY";
  /** The standalone configuration, also packed into the jar for runs outside a checkout. */
  public static final String STANDALONE = "conf/standalone.json";

  /** Settings that were renamed: the old name is refused with a sentence naming the new one. */
  static final Map<String, String> RENAMED = Map.of("http.corsOrigins", "http.allowedOrigins");

  private ConfigLoader() {
  }

  /** Loads {@code path}, or the standalone configuration when it is null. */
  public static GatewayConfig load(String path, Map<String, String> env) {
    String source = path == null ? STANDALONE : path;
    JsonNode file = read(path);
    if (!(file instanceof ObjectNode fileObject)) {
      throw new ConfigException("The configuration " + source + " must be a JSON object.");
    }
    ObjectNode merged = Json.MAPPER.valueToTree(GatewayConfig.defaults());
    merge(merged, fileObject);
    fillNamespaceHooks(merged);
    turnOffUnnamedRoles(merged, fileObject);
    refuseUnknownVariables(merged, env);
    applyEnv(merged, ENV_PREFIX, env);
    return bind(merged, source);
  }

  /** Binds a tree to the record, turning every mapping failure into one sentence. */
  static GatewayConfig bind(JsonNode tree, String source) {
    try {
      return GatewayConfig.STRICT.treeToValue(tree, GatewayConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String renamed = RENAMED.get(path(e));
      if (renamed != null) {
        return fail("The setting '" + path(e) + "' in " + source + " is now called '" + renamed + "'.");
      }
      return fail("Unknown setting '" + path(e) + "' in " + source + ".");
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConfigException ce) {
        throw ce;
      }
      return fail("The setting '" + path(e) + "' in " + source + " is not valid.");
    } catch (JsonMappingException e) {
      return fail("The setting '" + path(e) + "' in " + source + " has the wrong type.");
    } catch (JsonProcessingException e) {
      return fail("The configuration " + source + " could not be read: " + e.getOriginalMessage());
    }
  }

  private static JsonNode read(String path) {
    try {
      if (path != null) {
        return Json.MAPPER.readTree(Files.readAllBytes(Path.of(path)));
      }
      Path local = Path.of(STANDALONE);
      if (Files.isRegularFile(local)) {
        return Json.MAPPER.readTree(Files.readAllBytes(local));
      }
      try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream("standalone.json")) {
        if (in == null) {
          throw new ConfigException("No configuration given and neither " + STANDALONE + " nor the packed one exists.");
        }
        return Json.MAPPER.readTree(in);
      }
    } catch (NoSuchFileException e) {
      throw new ConfigException("The configuration file " + path + " does not exist.");
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw new ConfigException("The configuration " + (path == null ? STANDALONE : path) + " is not valid JSON" + where + ".");
    } catch (IOException e) {
      throw new ConfigException("The configuration " + path + " could not be read: " + e.getMessage() + ".");
    }
  }

  private static void merge(ObjectNode target, ObjectNode overlay) {
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      JsonNode existing = target.get(f.getKey());
      if (existing instanceof ObjectNode eo && f.getValue() instanceof ObjectNode fo) {
        merge(eo, fo);
      } else {
        target.set(f.getKey(), f.getValue());
      }
    }
  }

  static void applyEnv(ObjectNode node, String prefix, Map<String, String> env) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    for (String field : names) {
      String envName = prefix + "_" + snake(field);
      JsonNode child = node.get(field);
      if (child instanceof ObjectNode co) {
        applyEnv(co, envName, env);
        continue;
      }
      String value = env.get(envName);
      if (value == null) {
        continue;
      }
      node.set(field, parse(envName, value, child));
    }
  }

  /**
   * Every namespace of the file gets every hook setting, at its default (off), under what the file says:
   * {@code GATEWAY_NAMESPACES_CHAT_HOOKS_SUBSCRIBE_ADDRESS} then names a setting even where the file
   * leaves the namespace's hooks out.
   */
  private static void fillNamespaceHooks(ObjectNode merged) {
    if (!(merged.get("namespaces") instanceof ObjectNode namespaces)) {
      return;
    }
    namespaces.fields().forEachRemaining(ns -> {
      if (ns.getValue() instanceof ObjectNode settings) {
        ObjectNode hooks = Json.MAPPER.valueToTree(NamespaceHooksConfig.OFF);
        if (settings.get("hooks") instanceof ObjectNode given) {
          merge(hooks, given);
        } else if (settings.hasNonNull("hooks")) {
          return;
        }
        settings.set("hooks", hooks);
      }
    });
  }

  /**
   * A file with a {@code roles} section runs the roles it names and no other: a connection-node file that
   * leaves the others out must not start memory-store tiers of its own inside the cluster. A role named
   * without {@code enabled} is on. Without a {@code roles} section every role is on (one JVM, everything).
   * Environment overrides still apply afterwards.
   */
  private static void turnOffUnnamedRoles(ObjectNode merged, ObjectNode file) {
    if (!(file.get("roles") instanceof ObjectNode named) || !(merged.get("roles") instanceof ObjectNode roles)) {
      return;
    }
    roles.fields().forEachRemaining(role -> {
      if (!named.has(role.getKey()) && role.getValue() instanceof ObjectNode settings) {
        settings.put("enabled", false);
      }
    });
  }

  /**
   * A {@code GATEWAY_*} variable that names no setting is refused rather than ignored: a typo would
   * otherwise leave the setting at its value without a word.
   */
  private static void refuseUnknownVariables(ObjectNode tree, Map<String, String> env) {
    Set<String> known = new TreeSet<>();
    settingNames(tree, ENV_PREFIX, known);
    String unknown = env.keySet().stream()
        .filter(name -> name.startsWith(ENV_PREFIX + "_") && !known.contains(name))
        .sorted().findFirst().orElse(null);
    if (unknown != null) {
      String closest = known.stream().min(Comparator.comparingInt(k -> distance(k, unknown))).orElse("");
      throw new ConfigException("The environment variable " + unknown + " names no setting (a setting's variable is "
          + ENV_PREFIX + "_ and its path in upper snake case; the closest is " + closest + ").");
    }
  }

  private static void settingNames(ObjectNode node, String prefix, Set<String> out) {
    node.fields().forEachRemaining(f -> {
      String envName = prefix + "_" + snake(f.getKey());
      if (f.getValue() instanceof ObjectNode child) {
        settingNames(child, envName, out);
      } else {
        out.add(envName);
      }
    });
  }

  /** Edit distance, to name the setting a mistyped variable most likely meant. */
  private static int distance(String a, String b) {
    int[] row = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      row[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int above = row[j];
        row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length()];
  }

  private static JsonNode parse(String envName, String value, JsonNode current) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (current != null && current.isNumber()) {
      try {
        return current.isIntegralNumber() ? f.numberNode(Long.parseLong(value.trim())) : f.numberNode(Double.parseDouble(value.trim()));
      } catch (NumberFormatException e) {
        throw new ConfigException("The environment variable " + envName + " must be a number, not \"" + value + "\".");
      }
    }
    if (current != null && current.isBoolean()) {
      if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
        throw new ConfigException("The environment variable " + envName + " must be true or false, not \"" + value + "\".");
      }
      return f.booleanNode(Boolean.parseBoolean(value.toLowerCase()));
    }
    if (current != null && current.isArray()) {
      ArrayNode array = f.arrayNode();
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          array.add(part.trim());
        }
      }
      return array;
    }
    return f.textNode(value);
  }

  static String snake(String camel) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        sb.append('_');
      }
      sb.append(Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
    }
    return sb.toString();
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  private static <T> T fail(String sentence) {
    throw new ConfigException(sentence);
  }
}
