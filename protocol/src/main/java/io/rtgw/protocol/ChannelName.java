package io.rtgw.protocol;

/**
 * The channel-name rule: 1 to 160 characters of {@code A-Z a-z 0-9 _ - . : @ /}. The namespace is the
 * part before the first ':' ({@code default} when there is none); {@code user:<id>} is a personal channel.
 */
public final class ChannelName {

  public static final int MAX_LENGTH = 160;
  public static final String DEFAULT_NAMESPACE = "default";
  public static final String PERSONAL_NAMESPACE = "user";

  private ChannelName() {
  }

  public static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!allowed(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Returns the name if valid, else throws a {@code bad_request} saying what is wrong. */
  public static String require(Object name) {
    if (!(name instanceof String s)) {
      throw GatewayException.badRequest(name == null
          ? "The field 'channel' is missing."
          : "The field 'channel' must be a string.");
    }
    if (!isValid(s)) {
      throw GatewayException.badRequest("Bad channel name: use 1 to " + MAX_LENGTH
          + " characters of A-Z a-z 0-9 _ - . : @ /.");
    }
    return s;
  }

  public static String namespace(String channel) {
    int colon = channel.indexOf(':');
    return colon < 0 ? DEFAULT_NAMESPACE : channel.substring(0, colon);
  }

  public static boolean isPersonal(String channel) {
    return channel.startsWith(PERSONAL_NAMESPACE + ":");
  }

  /** The user id a personal channel belongs to. */
  public static String personalOwner(String channel) {
    return channel.substring(PERSONAL_NAMESPACE.length() + 1);
  }

  public static String personal(String userId) {
    return PERSONAL_NAMESPACE + ":" + userId;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '-' || c == '.' || c == ':' || c == '@' || c == '/';
  }
}
