package io.rtgw.connection.events;

/** The {@code reason} of a disconnected event: why the connection ended, in a few words. */
public final class Reasons {

  public static final String CLIENT_CLOSED = "client closed";
  public static final String SLOW_CONSUMER = "slow consumer";
  public static final String SERVER_CLOSED = "server closed";
  public static final String DISCONNECTED = "disconnected by the application";
  /** Sent by the registry for the connections of a member the cluster lost. */
  public static final String NODE_LEFT = "node left";

  private Reasons() {
  }
}
