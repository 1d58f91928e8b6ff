package io.rtgw.protocol;

/**
 * The field names of PROTOCOL.md's JSON objects, spelled once (beside {@link Addresses}, which does the
 * same for bus addresses), so that a typo is a compile error instead of a client that never sees a field.
 */
public final class Fields {

  public static final String ID = "id";
  public static final String TYPE = "type";
  public static final String CHANNEL = "channel";
  public static final String CHANNELS = "channels";
  public static final String EPOCH = "epoch";
  public static final String OFFSET = "offset";
  public static final String RECOVERED = "recovered";
  public static final String MESSAGES = "messages";
  public static final String MEMBERS = "members";
  public static final String DATA = "data";
  /** The name of an rpc call (PROTOCOL.md, "Backend hooks"). */
  public static final String METHOD = "method";
  public static final String FROM = "from";
  public static final String TS = "ts";
  public static final String KEY = "key";
  public static final String SINCE = "since";
  public static final String LIMIT = "limit";
  public static final String USER = "user";
  public static final String CLIENT = "client";
  public static final String CLIENTS = "clients";
  public static final String CODE = "code";
  public static final String MESSAGE = "message";
  public static final String CURSOR = "cursor";
  public static final String RESETS = "resets";
  public static final String AFTER_MS = "after_ms";
  public static final String TOKEN = "token";
  public static final String EXPIRES_AT = "expiresAt";

  private Fields() {
  }
}
