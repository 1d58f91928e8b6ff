package io.rtgw.protocol.config;

import java.util.List;

/**
 * Lifecycle events ({@code rt.events.*}). Off by default: on, every connect and disconnect is a write to
 * the presence tier's connection registry, and every channel's first local subscriber and last leave on
 * a node is one too. {@code namespaces}: the namespaces whose channels get subscribed, unsubscribed,
 * occupied and vacated events (empty: all); {@code batchMs}: how long a connection node gathers its
 * registry changes before reporting them; {@code maxBatch}: the most changes in one report (and in one
 * HTTP post); {@code url}: where batches of events are also POSTed, or null; {@code vacateGraceMs}: how
 * long a channel left with no subscriber waits before it is vacated (re-occupied within it: neither
 * event). Two connection instances' batches can reach the registry in either order, so "the last
 * subscriber left here" may arrive before "a new one came there"; the grace covers that. Default
 * {@code 2 x batchMs + 500} (left null, so a batchMs set anywhere moves it; read it with
 * {@link #vacateGrace()}); 0 vacates at once.
 */
public record EventsConfig(Boolean enabled, List<String> namespaces, String url, Long batchMs, Integer maxBatch,
                           Long vacateGraceMs) {

  public static final long DEFAULT_BATCH_MS = 200;
  public static final int DEFAULT_MAX_BATCH = 500;
  /** Beyond two batches (one from each side of the race): the bus and a loaded event loop. */
  public static final long VACATE_GRACE_EXTRA_MS = 500;

  public EventsConfig {
    enabled = enabled != null && enabled;
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    batchMs = batchMs == null ? DEFAULT_BATCH_MS : batchMs;
    maxBatch = maxBatch == null ? DEFAULT_MAX_BATCH : maxBatch;
    Check.range("events.batchMs", batchMs, 1, 60_000);
    Check.range("events.maxBatch", maxBatch, 1, 100_000);
    if (vacateGraceMs != null) {
      Check.range("events.vacateGraceMs", vacateGraceMs, 0, 600_000);
    }
    if (url != null && !url.isEmpty() && !url.startsWith("http://") && !url.startsWith("https://")) {
      throw new ConfigException("events.url must be an http:// or https:// URL, not \"" + url + "\".");
    }
    url = url == null || url.isEmpty() ? null : url;
  }

  /** The grace before a channel with no subscriber left is vacated: as set, or two batches and 500 ms. */
  public long vacateGrace() {
    return vacateGraceMs != null ? vacateGraceMs : 2 * batchMs + VACATE_GRACE_EXTRA_MS;
  }

  /** Whether channel events (subscribed, unsubscribed, occupied, vacated) are sent for {@code namespace}. */
  public boolean covers(String namespace) {
    return enabled && (namespaces.isEmpty() || namespaces.contains(namespace));
  }
}
