package io.rtgw.connection.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.rtgw.connection.Cursor;
import io.rtgw.connection.session.Authenticator;
import io.rtgw.connection.session.CallerRates;
import io.rtgw.connection.session.Limits;
import io.rtgw.connection.session.Identity;
import io.rtgw.connection.session.Requests;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Json;
import io.rtgw.protocol.Position;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The request/response part of the HTTP API: {@code POST /publish}, {@code GET /history},
 * {@code GET /presence}. It reads the HTTP form of a request; {@link Requests} carries it out, with the
 * same rules as the WebSocket commands.
 */
public final class HttpApi {

  private final Authenticator auth;
  private final Requests requests;
  private final Limits limits;
  private final CallerRates rates;

  public HttpApi(Authenticator auth, Requests requests, Limits limits) {
    this.auth = auth;
    this.requests = requests;
    this.limits = limits;
    this.rates = limits.callerRates();
  }

  /** {@code {"channel","data","key"?}} -> {@code {"channel","epoch","offset"}}; a repeated key gets the first reply. */
  public void publish(RoutingContext ctx) {
    Authenticated.then(ctx, auth.authenticate(ctx.request(), true), who -> publish(ctx, who));
  }

  private void publish(RoutingContext ctx, Identity who) {
    rates.charge(who, limits.clientIp(ctx.request()), true);
    JsonNode body = parseObject(ctx.body().buffer());
    JsonNode c = body.get(Fields.CHANNEL);
    String channel = ChannelName.require(c == null || c.isNull() ? null : c.isTextual() ? c.asText() : c);
    JsonNode data = body.get(Fields.DATA);
    if (data == null) {
      throw GatewayException.badRequest("The field 'data' is missing.");
    }
    JsonNode key = body.get(Fields.KEY);
    if (key != null && !key.isNull() && !key.isTextual()) {
      throw GatewayException.badRequest("The field 'key' must be a string.");
    }
    String k = key == null || key.isNull() ? null : key.asText();
    if (who.service()) {
      // a backend's publish: the server-side rules of rt.publish, with the body's own 'from' if any
      JsonObject publish = new JsonObject(Json.raw(body));
      requests.publishAsService(publish)
          .onSuccess(r -> JsonReplies.ok(ctx.response(), r))
          .onFailure(e -> JsonReplies.fail(ctx.response(), e));
      return;
    }
    requests.publish(who, channel, Json.raw(data), k)
        .onSuccess(r -> JsonReplies.ok(ctx.response(), r.toJson()))
        .onFailure(e -> JsonReplies.fail(ctx.response(), e));
  }

  /**
   * {@code {"method","data"}} -> {@code {"data"}}: a client's call forwarded to the application's rpc hook,
   * authenticated as {@code POST /publish} and charged to the caller's publish rate.
   */
  public void rpc(RoutingContext ctx) {
    Authenticated.then(ctx, auth.authenticate(ctx.request(), true), who -> rpc(ctx, who));
  }

  private void rpc(RoutingContext ctx, Identity who) {
    rates.charge(who, limits.clientIp(ctx.request()), true);
    JsonNode body = parseObject(ctx.body().buffer());
    JsonNode method = body.get(Fields.METHOD);
    if (method == null || !method.isTextual()) {
      throw GatewayException.badRequest("The field 'method' is missing or not a string.");
    }
    JsonNode data = body.get(Fields.DATA);
    requests.rpc(who, null, method.asText(), data == null ? "null" : Json.raw(data))
        .onSuccess(out -> JsonReplies.ok(ctx.response(), io.vertx.core.buffer.Buffer.buffer("{\"data\":" + out + "}")))
        .onFailure(e -> JsonReplies.fail(ctx.response(), e));
  }

  /**
   * The channel's latest position and its messages after the cursor's position for it (oldest first),
   * or its newest messages without a cursor.
   */
  public void history(RoutingContext ctx) {
    Authenticated.then(ctx, auth.authenticate(ctx.request(), true), who -> history(ctx, who));
  }

  private void history(RoutingContext ctx, Identity who) {
    rates.charge(who, limits.clientIp(ctx.request()), false);
    String channel = Params.channel(ctx.request());
    Cursor cursor = Params.resume(ctx.request(), ctx.request().getParam(Fields.CURSOR));
    Long limit = Params.limit(ctx.request());
    Position since = null;
    if (cursor != null) {
      since = cursor.positionOf(channel);
      if (since == null) {
        throw GatewayException.badRequest("The cursor holds no position for channel '" + channel
            + "'; use a cursor of a stream or poll that included it, a since parameter, or none.");
      }
    }
    requests.history(who, channel, since, limit)
        .onSuccess(page -> JsonReplies.ok(ctx.response(), page.toJson()))
        .onFailure(e -> JsonReplies.fail(ctx.response(), e));
  }

  /** Who is in a channel, where its namespace has presence on; the presence tier answers. */
  public void presence(RoutingContext ctx) {
    Authenticated.then(ctx, auth.authenticate(ctx.request(), true), who -> presence(ctx, who));
  }

  private void presence(RoutingContext ctx, Identity who) {
    rates.charge(who, limits.clientIp(ctx.request()), false);
    String channel = Params.channel(ctx.request());
    requests.presence(who, channel)
        .onSuccess(members -> JsonReplies.ok(ctx.response(), new JsonObject().put(Fields.CHANNEL, channel)
            .put(Fields.MEMBERS, members)))
        .onFailure(e -> JsonReplies.fail(ctx.response(), e));
  }

  private static JsonNode parseObject(Buffer body) {
    JsonNode root;
    try {
      root = body == null || body.length() == 0 ? null : Json.CLIENT_INPUT.readTree(body.getBytes());
    } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
      throw GatewayException.badRequest(e.getMessage() != null && e.getMessage().contains("Trailing token")
          ? "The body holds more than one JSON value; send one object." : "The body is not valid JSON.");
    } catch (JsonProcessingException e) {
      throw GatewayException.badRequest("The body is not valid JSON.");
    } catch (java.io.IOException e) {
      throw GatewayException.badRequest("The body could not be read as JSON.");
    }
    if (root == null || !root.isObject()) {
      throw GatewayException.badRequest("The body must be a JSON object {\"channel\": ..., \"data\": ...}.");
    }
    return root;
  }
}
