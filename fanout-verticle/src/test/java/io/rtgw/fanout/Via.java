package io.rtgw.fanout;

import static io.rtgw.protocol.Fields.CHANNEL;
import static io.rtgw.protocol.Fields.DATA;
import static io.rtgw.protocol.Fields.EPOCH;
import static io.rtgw.protocol.Fields.FROM;
import static io.rtgw.protocol.Fields.KEY;
import static io.rtgw.protocol.Fields.OFFSET;

import io.rtgw.protocol.Addresses;
import io.rtgw.protocol.PublishCommand;
import io.rtgw.protocol.PublishResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The two ways into fanout: a service on the public {@code rt.publish} (a JSON object in, a JSON object
 * out) and a connection node on a client's behalf (records). Both answer where the message landed.
 */
enum Via {

  SERVICE("rt.publish") {
    @Override
    Future<PublishResult> publish(EventBus bus, String channel, String data, String from, String key) {
      JsonObject body = new JsonObject().put(CHANNEL, channel).put(DATA, Json.decodeValue(data));
      if (from != null) {
        body.put(FROM, from);
      }
      if (key != null) {
        body.put(KEY, key);
      }
      return bus.<JsonObject>request(Addresses.PUBLISH, body, OPTIONS)
          .map(reply -> new PublishResult(reply.body().getString(CHANNEL), reply.body().getString(EPOCH),
              reply.body().getLong(OFFSET)));
    }
  },

  CLIENT("the client publish address") {
    @Override
    Future<PublishResult> publish(EventBus bus, String channel, String data, String from, String key) {
      return bus.<PublishResult>request(Addresses.CLIENT_PUBLISH, new PublishCommand(channel, data, from, key), OPTIONS)
          .map(io.vertx.core.eventbus.Message::body);
    }
  };

  /** Longer than any request timeout fanout is deployed with, so fanout's answer always comes first. */
  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(10_000);

  private final String label;

  Via(String label) {
    this.label = label;
  }

  /** Publishes {@code data} (JSON text) and answers where it landed. */
  abstract Future<PublishResult> publish(EventBus bus, String channel, String data, String from, String key);

  Future<PublishResult> publish(EventBus bus, String channel, String data) {
    return publish(bus, channel, data, null, null);
  }

  @Override
  public String toString() {
    return label;
  }
}
