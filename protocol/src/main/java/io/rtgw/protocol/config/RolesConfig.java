package io.rtgw.protocol.config;

/**
 * The tiers this process runs, and on how many event loops. Standalone runs all four; clustered processes
 * pick. The connection tier runs one instance per core unless told otherwise (the client sockets are the
 * work that grows with the machine); the others one.
 *
 * <p>{@code eventLoops} left out is the core count, or the connection tier's instance count where that is
 * larger, so each connection instance still has a loop of its own; the other tiers' instances share those
 * loops ({@link #eventLoopCount}). Vert.x's own default is twice the core count, a margin for code that blocks a loop, which this
 * gateway's tiers never do: the extra loops only moved each hop of a publish between tiers to another
 * thread, a wake-up and a context switch per hop on a busy core (docs/SCALING.md, "Event loops and the
 * message frame").
 */
public record RolesConfig(RoleConfig connection, RoleConfig fanout, RoleConfig history, RoleConfig presence,
                          Integer eventLoops) {

  public RolesConfig {
    connection = orOn(connection).withDefaultInstances(defaultConnectionInstances());
    fanout = orOn(fanout).withDefaultInstances(1);
    history = orOn(history).withDefaultInstances(1);
    presence = orOn(presence).withDefaultInstances(1);
    if (eventLoops != null) {
      Check.range("roles.eventLoops", eventLoops, 1, 1024);
    }
  }

  /**
   * The event loops of this process: {@code eventLoops}, or where it is left out the core count, or the
   * connection tier's instance count where that is larger. Set below the instance count, instances share
   * loops, as the other tiers always do.
   */
  public int eventLoopCount() {
    if (eventLoops != null) {
      return eventLoops;
    }
    return Math.max(Runtime.getRuntime().availableProcessors(), connection.enabled() ? connection.instances() : 1);
  }

  /** The connection tier's instance count where {@code roles.connection.instances} is left out. */
  public static int defaultConnectionInstances() {
    return Math.min(256, Runtime.getRuntime().availableProcessors());
  }

  private static RoleConfig orOn(RoleConfig role) {
    return role == null ? new RoleConfig(null, null) : role;
  }
}
