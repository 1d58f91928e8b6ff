package io.rtgw.connection.http;

import io.rtgw.connection.Cursor;
import io.rtgw.protocol.ChannelName;
import io.rtgw.protocol.Fields;
import io.rtgw.protocol.GatewayException;
import io.rtgw.protocol.Position;
import io.rtgw.connection.session.AccessRules;
import io.rtgw.connection.session.Identity;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Query parameters of the HTTP transports, each checked with a sentence that says what is wrong. */
public final class Params {

  /** Any number of seconds (capped at the maximum), with at most millisecond precision. */
  private static final Pattern SECONDS = Pattern.compile("\\d{1,18}(\\.\\d{1,3})?");

  private Params() {
  }

  /**
   * The {@code channel} parameters: 1 to {@code max} valid names in configured namespaces, personal ones
   * only for their owner. A name given twice counts once; the order is kept.
   */
  public static List<String> channels(HttpServerRequest request, AccessRules rules, Identity identity, int max) {
    List<String> given = request.params().getAll(Fields.CHANNEL);
    if (given.isEmpty()) {
      throw GatewayException.badRequest("Name at least one channel: ?channel=a&channel=b.");
    }
    Set<String> channels = new LinkedHashSet<>();
    for (String c : given) {
      channels.add(rules.checkSubscribe(c, identity, false, "read"));
    }
    if (channels.size() > max) {
      throw GatewayException.badRequest("Too many channels in one request (at most " + max + ").");
    }
    return new ArrayList<>(channels);
  }

  /** The one {@code channel} parameter of a single-channel endpoint; the endpoint checks access. */
  public static String channel(HttpServerRequest request) {
    List<String> given = request.params().getAll(Fields.CHANNEL);
    if (given.size() != 1) {
      throw GatewayException.badRequest(given.isEmpty()
          ? "The parameter 'channel' is missing."
          : "Name exactly one channel here.");
    }
    return ChannelName.require(given.get(0));
  }

  /**
   * Where to resume: the server's cursor ({@code text}, may be null) plus the client's own positions
   * from {@code since=<channel>~<epoch>~<offset>} parameters for channels the cursor does not cover.
   * The extension lets a client that kept positions on one transport resume on another without loss;
   * null when there is neither.
   */
  public static Cursor resume(HttpServerRequest request, String text) {
    Cursor cursor = text == null || text.isEmpty() ? null : Cursor.parse(text);
    Map<String, Position> since = since(request);
    if (since.isEmpty()) {
      return cursor;
    }
    return cursor == null ? Cursor.of(since) : cursor.with(since);
  }

  /** The {@code since} parameters, each {@code <channel>~<epoch>~<offset>}. */
  public static Map<String, Position> since(HttpServerRequest request) {
    Map<String, Position> out = new LinkedHashMap<>();
    for (String value : request.params().getAll("since")) {
      String[] parts = value.split("~", -1);
      if (parts.length != 3 || !ChannelName.isValid(parts[0]) || parts[1].isEmpty()
          || parts[1].length() > Cursor.MAX_EPOCH_BYTES || !parts[2].matches("\\d{1,18}")) {
        throw GatewayException.badRequest("A 'since' parameter is <channel>~<epoch>~<offset>, e.g. "
            + "since=chat:room42~x7k2qa~17.");
      }
      out.put(parts[0], new Position(parts[1], Long.parseLong(parts[2])));
    }
    return out;
  }

  /** {@code limit}: a whole number of 0 or more, or null when absent (the request's default applies). */
  public static Long limit(HttpServerRequest request) {
    String text = request.getParam("limit");
    return text == null ? null : wholeNumber(text, "limit");
  }

  /** {@code timeout} in seconds (decimals allowed), as milliseconds; above {@code maxMs} it is {@code maxMs}. */
  public static long timeoutMs(HttpServerRequest request, long defaultMs, long maxMs) {
    String text = request.getParam("timeout");
    if (text == null) {
      return defaultMs;
    }
    if (!SECONDS.matcher(text).matches()) {
      throw GatewayException.badRequest("The parameter 'timeout' must be a number of seconds of 0 or more, like 25 or 0.5.");
    }
    double seconds = Double.parseDouble(text);
    return Math.min(maxMs, Math.round(seconds * 1000));
  }

  private static long wholeNumber(String text, String name) {
    try {
      long n = Long.parseLong(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the sentence below
    }
    throw GatewayException.badRequest("The parameter '" + name + "' must be a whole number of 0 or more.");
  }
}
