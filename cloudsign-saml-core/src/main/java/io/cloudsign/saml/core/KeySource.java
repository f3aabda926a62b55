package io.cloudsign.saml.core;

/**
 * Where a registration's trusted IdP signing certificates come from. Consulted at every validation,
 * so a source may change its answer at any time (metadata refreshed in the background, a
 * certificate rollover); a Response is verified against the set current when its signature is
 * checked. Implementations are thread-safe; {@link #current()} answers without blocking on I/O.
 */
@FunctionalInterface
interface KeySource {
  /** The certificates trusted now; never empty. */
  TrustedKeys current();

  /**
   * Called when no certificate of {@code seen} (what {@link #current()} gave this validation)
   * verifies a signature: a source that can look for new certificates (the IdP activated one not
   * yet fetched) may do so now, bounded in time and rate-limited, and return the set to verify
   * again with. Returns {@code seen} when there is nothing new; a fixed source always does.
   */
  default TrustedKeys refreshAfterUnknownKey(TrustedKeys seen) {
    return seen;
  }

  /** A source whose set never changes (metadata read once, or certificates copied by hand). */
  static KeySource fixed(TrustedKeys keys) {
    return () -> keys;
  }
}
