package io.cloudsign.saml.core;

import java.time.Instant;

/**
 * Remembers what a sign-in has used up, so that it cannot be used twice: accepted assertion IDs (a
 * captured Response replayed, SAML Profiles §4.1.4.5) and answered AuthnRequest IDs (a second
 * Response to the same request with the same state cookie). Implementations must be thread-safe and
 * atomic: of two concurrent calls with the same partition and id, exactly one returns {@link
 * Outcome#FIRST_USE}.
 *
 * <p>Entries are partitioned by registration, so that one tenant's traffic cannot fill another's
 * share, and each lives only while what it names could still be accepted (the validator passes the
 * earliest instant after which it could not: for an assertion at most its IssueInstant plus {@code
 * maxResponseAge} plus skew, whatever NotOnOrAfter the IdP chose).
 *
 * <p>The default is {@link InMemoryReplayCache}, for one node; a cluster shares one implementation
 * across nodes (a database unique key, Redis {@code SET NX PX}). Failure is closed: an
 * implementation that cannot reach its store throws (any {@link RuntimeException}), and the sign-in
 * is refused with {@link ErrorCode#REPLAY_CACHE_UNAVAILABLE}; it must not block for longer than a
 * few seconds.
 */
public interface ReplayCache {
  /** What {@link #remember} found. */
  enum Outcome {
    /** Not seen before; now remembered until the given instant. */
    FIRST_USE,
    /** Already remembered and not yet expired: a replay. */
    ALREADY_USED,
    /** The partition is full of unexpired entries; nothing was remembered (fail closed). */
    FULL
  }

  /**
   * Records {@code id} in {@code partition} until {@code keepUntil}, unless it is there already.
   *
   * @param partition the registration id
   * @param id what was used (an opaque key of at most a few hundred characters)
   * @param keepUntil when the entry may be forgotten
   * @throws RuntimeException if the store cannot be reached (the sign-in then fails closed)
   */
  Outcome remember(String partition, String id, Instant keepUntil);
}
