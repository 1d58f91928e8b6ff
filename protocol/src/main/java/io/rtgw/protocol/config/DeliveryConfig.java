package io.rtgw.protocol.config;

/**
 * The publish and delivery path. {@code maxMessageBytes} bounds a message's {@code data};
 * {@code positionCheckMs} is how often a connection node asks history which channels were appended to
 * since it last asked, to catch deliveries lost at the tail (one request per node, whatever the number
 * of channels); {@code requestTimeoutMs} bounds every bus request;
 * {@code catchUpPageSize} is the most messages one history read of a resume or of a gap fill asks for (a
 * longer gap is read in several pages), which bounds a bus message at that many times
 * {@code maxMessageBytes}. {@code changesPageSize} is the most changed channels one answer to that
 * question carries; {@code positionBatchSize} the most channels one batched position read carries (the
 * full check after history lost track, and the epoch refresh); {@code epochRefreshMs} is the period in
 * which every channel a node holds has its position read once, which keeps a quiet channel's epoch alive
 * in history (it must stay below the epoch grace of one hour). An automatic subscription (a WebSocket's
 * personal channel) that fails is tried {@code autoSubscribeAttempts} times in all, the waits between
 * starting at {@code autoSubscribeRetryMs} and doubling; then the connection is closed with 1011.
 *
 * <p>{@code outageNoticeMs}: a clustered connection node that has had no history or no fanout member
 * within reach for that long (the tiers are down, or this node was cut off from the cluster) tells its
 * clients to reconnect elsewhere, spread over {@code outageReconnectWindowMs}, rather than leave them
 * connected and unserved; 0 never does.
 *
 * <p>Node-routed namespaces ({@link NamespaceConfig#routing}): each connection instance refreshes its
 * routes' lease in history every {@code routeLeaseMs} (the lease lives {@value #ROUTE_LEASE_INTERVALS}
 * intervals, so a killed instance's routes are skipped within that), and sends the route changes of its
 * channels' opens and closes at most every {@code routeBatchMs}, one request at a time.
 */
public record DeliveryConfig(Integer maxMessageBytes, Long positionCheckMs, Long requestTimeoutMs,
                             Integer catchUpPageSize, Integer changesPageSize, Integer positionBatchSize,
                             Long epochRefreshMs, Integer autoSubscribeAttempts, Long autoSubscribeRetryMs,
                             Long outageNoticeMs, Long outageReconnectWindowMs, Long routeLeaseMs,
                             Long routeBatchMs) {

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
  public static final long DEFAULT_POSITION_CHECK_MS = 2_000;
  public static final long DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
  public static final int DEFAULT_CATCH_UP_PAGE_SIZE = 500;
  public static final int DEFAULT_CHANGES_PAGE_SIZE = 5_000;
  public static final int DEFAULT_POSITION_BATCH_SIZE = 500;
  public static final long DEFAULT_EPOCH_REFRESH_MS = 1_800_000;
  public static final int DEFAULT_AUTO_SUBSCRIBE_ATTEMPTS = 3;
  public static final long DEFAULT_AUTO_SUBSCRIBE_RETRY_MS = 1_000;
  public static final long DEFAULT_OUTAGE_NOTICE_MS = 3_000;
  public static final long DEFAULT_OUTAGE_RECONNECT_WINDOW_MS = 1_000;
  public static final long DEFAULT_ROUTE_LEASE_MS = 5_000;
  public static final long DEFAULT_ROUTE_BATCH_MS = 5;
  /** A lease outlives this many refresh intervals: one late refresh on a busy machine does not end it. */
  public static final int ROUTE_LEASE_INTERVALS = 3;

  public DeliveryConfig {
    maxMessageBytes = maxMessageBytes == null ? DEFAULT_MAX_MESSAGE_BYTES : maxMessageBytes;
    positionCheckMs = positionCheckMs == null ? DEFAULT_POSITION_CHECK_MS : positionCheckMs;
    requestTimeoutMs = requestTimeoutMs == null ? DEFAULT_REQUEST_TIMEOUT_MS : requestTimeoutMs;
    catchUpPageSize = catchUpPageSize == null ? DEFAULT_CATCH_UP_PAGE_SIZE : catchUpPageSize;
    changesPageSize = changesPageSize == null ? DEFAULT_CHANGES_PAGE_SIZE : changesPageSize;
    positionBatchSize = positionBatchSize == null ? DEFAULT_POSITION_BATCH_SIZE : positionBatchSize;
    epochRefreshMs = epochRefreshMs == null ? DEFAULT_EPOCH_REFRESH_MS : epochRefreshMs;
    autoSubscribeAttempts = autoSubscribeAttempts == null ? DEFAULT_AUTO_SUBSCRIBE_ATTEMPTS : autoSubscribeAttempts;
    autoSubscribeRetryMs = autoSubscribeRetryMs == null ? DEFAULT_AUTO_SUBSCRIBE_RETRY_MS : autoSubscribeRetryMs;
    outageNoticeMs = outageNoticeMs == null ? DEFAULT_OUTAGE_NOTICE_MS : outageNoticeMs;
    outageReconnectWindowMs = outageReconnectWindowMs == null ? DEFAULT_OUTAGE_RECONNECT_WINDOW_MS : outageReconnectWindowMs;
    routeLeaseMs = routeLeaseMs == null ? DEFAULT_ROUTE_LEASE_MS : routeLeaseMs;
    routeBatchMs = routeBatchMs == null ? DEFAULT_ROUTE_BATCH_MS : routeBatchMs;
    Check.range("delivery.routeLeaseMs", routeLeaseMs, 100, 600_000);
    Check.range("delivery.routeBatchMs", routeBatchMs, 1, 10_000);
    Check.range("delivery.outageNoticeMs", outageNoticeMs, 0, 3_600_000);
    Check.range("delivery.outageReconnectWindowMs", outageReconnectWindowMs, 0, 600_000);
    Check.range("delivery.catchUpPageSize", catchUpPageSize, 1, 100_000);
    Check.range("delivery.maxMessageBytes", maxMessageBytes, 16, 16 * 1024 * 1024);
    Check.range("delivery.positionCheckMs", positionCheckMs, 10, 3_600_000);
    Check.range("delivery.requestTimeoutMs", requestTimeoutMs, 10, 600_000);
    Check.range("delivery.changesPageSize", changesPageSize, 1, 100_000);
    Check.range("delivery.positionBatchSize", positionBatchSize, 1, 10_000);
    Check.range("delivery.epochRefreshMs", epochRefreshMs, 1_000, 1_800_000);
    Check.range("delivery.autoSubscribeAttempts", autoSubscribeAttempts, 1, 100);
    Check.range("delivery.autoSubscribeRetryMs", autoSubscribeRetryMs, 10, 600_000);
  }

  /** How long a connection instance's lease on its routes lives after a refresh. */
  public long routeLeaseTtlMs() {
    return routeLeaseMs * ROUTE_LEASE_INTERVALS;
  }
}
