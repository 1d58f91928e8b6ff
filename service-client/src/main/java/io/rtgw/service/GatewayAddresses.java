package io.rtgw.service;

/**
 * The gateway's public event-bus addresses (docs/PROTOCOL.md, "Event bus"). Copied from the gateway's
 * protocol module instead of depending on it, so a service pulls in no server code; deploy's
 * ServiceClientGatewayTest fails if the two ever differ. Hook addresses are not here: the application
 * chooses them and names them both in the gateway's configuration and in {@code onConnect(address, ...)}.
 */
public final class GatewayAddresses {

  public static final String PUBLISH = "rt.publish";
  public static final String PRESENCE_QUERY = "rt.presence.query";
  public static final String HISTORY_QUERY = "rt.history.query";
  /** Request/reply {"op": ...}: disconnect, subscribe, unsubscribe, connections, count. */
  public static final String CONTROL = "rt.control";

  public static final String CONNECTED = "rt.events.connected";
  public static final String DISCONNECTED = "rt.events.disconnected";
  public static final String SUBSCRIBED = "rt.events.subscribed";
  public static final String UNSUBSCRIBED = "rt.events.unsubscribed";
  public static final String OCCUPIED = "rt.events.occupied";
  public static final String VACATED = "rt.events.vacated";

  private GatewayAddresses() {
  }
}
