package io.cloudsign.saml.core;

import java.time.Instant;

/**
 * Remembers assertion IDs already accepted so a captured Response cannot be used twice (SAML
 * Profiles §4.1.4.5). Implementations must be thread-safe and atomic: of two concurrent calls with
 * the same key, exactly one returns {@code true}.
 *
 * <p>The default is {@link InMemoryReplayCache}; a cluster shares one implementation across nodes
 * (e.g. backed by a database unique key or Redis {@code SET NX PX}).
 */
public interface ReplayCache {
  /**
   * Records {@code key} until {@code expiresAt}.
   *
   * @return {@code true} if the key was not present (first use), {@code false} if it was (replay)
   */
  boolean putIfAbsent(String key, Instant expiresAt);
}
