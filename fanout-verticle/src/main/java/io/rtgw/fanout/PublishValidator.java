package io.rtgw.fanout;

import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.ErrorCode;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.PublishCommand;
import io.rtgw.protocol.config.GatewayConfig;
import io.rtgw.protocol.config.NamespaceConfig;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/** The rules a publish must pass before it is sequenced: channel name, namespace, size, who may publish. */
final class PublishValidator {

  private final GatewayConfig config;

  PublishValidator(GatewayConfig config) {
    this.config = config;
  }

  /** A client's publish: namespace must allow client publishes. */
  PublishCommand client(PublishCommand cmd) {
    ChannelName.require(cmd.channel());
    NamespaceConfig ns = config.namespaceOf(cmd.channel());
    if (!ns.clientPublish()) {
      throw GatewayException.forbidden("Clients may not publish to namespace '"
          + ChannelName.namespace(cmd.channel()) + "'.");
    }
    checkSize(cmd.data());
    checkKey(cmd.key());
    return cmd;
  }

  /** A service's publish from {@code rt.publish}: a JsonObject {channel, data, from?, key?}. */
  PublishCommand service(Object body) {
    if (!(body instanceof JsonObject json)) {
      throw GatewayException.badRequest("A publish must be a JSON object {\"channel\", \"data\"}.");
    }
    String channel = ChannelName.require(json.getValue(Fields.CHANNEL));
    config.namespaceOf(channel);
    if (!json.containsKey(Fields.DATA)) {
      throw GatewayException.badRequest("The field 'data' is missing.");
    }
    Object from = json.getValue(Fields.FROM);
    if (from != null && !(from instanceof String)) {
      throw GatewayException.badRequest("The field 'from' must be a string.");
    }
    Object key = json.getValue(Fields.KEY);
    if (key != null && !(key instanceof String)) {
      throw GatewayException.badRequest("The field 'key' must be a string.");
    }
    String data = Json.encode(json.getValue(Fields.DATA));
    checkSize(data);
    checkKey((String) key);
    return new PublishCommand(channel, data, (String) from, (String) key);
  }

  private void checkSize(String data) {
    int max = config.delivery().maxMessageBytes();
    // chars bound bytes from below, so only long strings pay for the exact count
    if (data.length() > max || (data.length() * 3L > max && data.getBytes(StandardCharsets.UTF_8).length > max)) {
      throw new GatewayException(ErrorCode.TOO_LARGE, "The message data is larger than the limit of " + max + " bytes.");
    }
  }

  private static void checkKey(String key) {
    if (key != null && (key.isEmpty() || key.length() > 256)) {
      throw GatewayException.badRequest("The field 'key' must be 1 to 256 characters.");
    }
  }
}
