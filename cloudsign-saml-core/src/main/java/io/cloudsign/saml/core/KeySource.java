package io.cloudsign.saml.core;

/**
 * Where a registration's trusted IdP signing certificates come from. Consulted at every validation,
 * so a source may change its answer at any time (metadata refreshed in the background, a
 * certificate rollover); a Response is verified against the set current when its signature is
 * checked. Implementations are thread-safe and answer without blocking on I/O.
 */
@FunctionalInterface
interface KeySource {
  /** The certificates trusted now; never empty. */
  TrustedKeys current();

  /** A source whose set never changes (metadata read once, or certificates copied by hand). */
  static KeySource fixed(TrustedKeys keys) {
    return () -> keys;
  }
}
