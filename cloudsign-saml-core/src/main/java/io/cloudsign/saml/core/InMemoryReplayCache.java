package io.cloudsign.saml.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded, thread-safe {@link ReplayCache} for a single application node. Each partition
 * (registration) holds at most {@code capacityPerPartition} unexpired entries, so one tenant's
 * traffic cannot refuse another tenant's sign-ins; expired entries are purged when a partition is
 * full. When still full after purging, new entries are refused ({@link Outcome#FULL}: fail closed;
 * the sign-in is rejected with {@code replay_cache_full} rather than forgetting an unexpired ID).
 *
 * <p>Default capacity: 100,000 entries per registration. Entries live at most {@code
 * maxResponseAge} plus skew (8 minutes by default): at 1 sign-in per second a registration holds
 * about 1,000 (an assertion ID and a request ID per sign-in).
 */
public final class InMemoryReplayCache implements ReplayCache {
  /** Default maximum number of remembered entries per partition. */
  public static final int DEFAULT_CAPACITY = 100_000;

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Instant>> partitions =
      new ConcurrentHashMap<>();
  private final int capacity;
  private final Clock clock;

  /** A cache of {@link #DEFAULT_CAPACITY} entries per partition on the system clock. */
  public InMemoryReplayCache() {
    this(DEFAULT_CAPACITY, Clock.systemUTC());
  }

  /**
   * @param capacityPerPartition maximum number of unexpired entries of one registration, at least 1
   * @param clock clock used to purge expired entries
   */
  public InMemoryReplayCache(int capacityPerPartition, Clock clock) {
    if (capacityPerPartition < 1) {
      throw new IllegalArgumentException(
          "capacityPerPartition must be at least 1: " + capacityPerPartition);
    }
    this.capacity = capacityPerPartition;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public Outcome remember(String partition, String id, Instant keepUntil) {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(keepUntil, "keepUntil");
    ConcurrentHashMap<String, Instant> entries =
        partitions.computeIfAbsent(partition, p -> new ConcurrentHashMap<>());
    Instant now = clock.instant();
    Instant existing = entries.get(id);
    if (existing != null && existing.isAfter(now)) {
      return Outcome.ALREADY_USED;
    }
    if (existing == null && entries.size() >= capacity) {
      purge(entries, now);
      if (entries.size() >= capacity) {
        return Outcome.FULL;
      }
    }
    boolean first =
        existing != null
            // Expired entry: replace it atomically only if nobody else did.
            ? entries.replace(id, existing, keepUntil)
            : entries.putIfAbsent(id, keepUntil) == null;
    return first ? Outcome.FIRST_USE : Outcome.ALREADY_USED;
  }

  private static void purge(Map<String, Instant> entries, Instant now) {
    for (Iterator<Map.Entry<String, Instant>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      if (!it.next().getValue().isAfter(now)) {
        it.remove();
      }
    }
  }

  /** Number of entries currently held in all partitions (expired ones included until purged). */
  public int size() {
    return partitions.values().stream().mapToInt(Map::size).sum();
  }
}
