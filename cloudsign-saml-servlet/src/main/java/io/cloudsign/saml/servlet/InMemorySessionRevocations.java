package io.cloudsign.saml.servlet;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SessionRevocations} in this JVM: a bounded map from (registration, NameID[, SessionIndex])
 * to the latest logout instant, keyed as {@link RevocationKeys} (no NameID reaches another's).
 * Entries older than {@code retention} are dropped when met, the oldest first when full (a session
 * that outlives its revocation's retention is no longer ended by it: keep {@code retention} above
 * the application's session lifetime). Thread-safe.
 */
final class InMemorySessionRevocations implements SessionRevocations {
  private final int capacity;
  private final Duration retention;
  private final LinkedHashMap<String, Instant> revoked;

  InMemorySessionRevocations(int capacity, Duration retention) {
    this.capacity = capacity;
    this.retention = retention;
    this.revoked =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > InMemorySessionRevocations.this.capacity;
          }
        };
  }

  @Override
  public synchronized void revoke(
      String registrationId, String nameId, List<String> sessionIndexes, Instant at) {
    if (sessionIndexes.isEmpty()) {
      put(key(registrationId, nameId, null), at);
    }
    for (String index : sessionIndexes) {
      put(key(registrationId, nameId, index), at);
    }
  }

  private void put(String key, Instant at) {
    revoked.remove(key); // re-insert: the map's order is by time of revocation
    revoked.put(key, at);
  }

  @Override
  public synchronized boolean isRevoked(SamlPrincipal p) {
    Instant signedIn = p.signedInAt().orElse(Instant.MIN);
    return after(key(p.registrationId(), p.nameId(), null), signedIn)
        || p.sessionIndex()
            .map(index -> after(key(p.registrationId(), p.nameId(), index), signedIn))
            .orElse(false);
  }

  private boolean after(String key, Instant signedIn) {
    Instant at = revoked.get(key);
    if (at == null) {
      return false;
    }
    if (at.plus(retention).isBefore(Instant.now())) {
      revoked.remove(key);
      return false;
    }
    return !at.isBefore(signedIn);
  }

  private static String key(String registrationId, String nameId, String sessionIndex) {
    return RevocationKeys.of(registrationId, nameId, sessionIndex);
  }
}
