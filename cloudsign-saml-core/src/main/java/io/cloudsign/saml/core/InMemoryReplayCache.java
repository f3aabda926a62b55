package io.cloudsign.saml.core;

import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A bounded, thread-safe {@link ReplayCache} for a single application node. Entries live until
 * their expiry; expired entries are purged when the cache is full. When still full after purging,
 * new keys are refused (fail closed: the sign-in is rejected as a replay rather than the cache
 * forgetting an unexpired ID).
 *
 * <p>Default capacity: 100,000 assertion IDs (about a day of logins for 1 login/s with Entra's
 * 1-hour assertion lifetime needs 3,600).
 */
public final class InMemoryReplayCache implements ReplayCache {
  /** Default maximum number of remembered assertion IDs. */
  public static final int DEFAULT_CAPACITY = 100_000;

  private final ConcurrentHashMap<String, Instant> entries = new ConcurrentHashMap<>();
  private final int capacity;
  private final Clock clock;

  /** A cache of {@link #DEFAULT_CAPACITY} entries on the system clock. */
  public InMemoryReplayCache() {
    this(DEFAULT_CAPACITY, Clock.systemUTC());
  }

  /**
   * @param capacity maximum number of unexpired entries, at least 1
   * @param clock clock used to purge expired entries
   */
  public InMemoryReplayCache(int capacity, Clock clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public boolean putIfAbsent(String key, Instant expiresAt) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Instant now = clock.instant();
    Instant existing = entries.get(key);
    if (existing != null && existing.isAfter(now)) {
      return false;
    }
    if (existing == null && entries.size() >= capacity) {
      purge(now);
      if (entries.size() >= capacity) {
        return false;
      }
    }
    if (existing != null) {
      // Expired entry: replace it atomically only if nobody else did.
      return entries.replace(key, existing, expiresAt);
    }
    return entries.putIfAbsent(key, expiresAt) == null;
  }

  private void purge(Instant now) {
    for (Iterator<Map.Entry<String, Instant>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      if (!it.next().getValue().isAfter(now)) {
        it.remove();
      }
    }
  }

  /** Number of entries currently held (expired ones included until purged). */
  public int size() {
    return entries.size();
  }
}
