package io.cloudsign.saml.servlet;

import java.time.Instant;
import java.util.List;

/**
 * Sessions the IdP ended (IdP-initiated logout), so that every session of that user ends — in other
 * browsers and on other nodes too, which the servlet container's own sessions cannot reach. The
 * filter records a logout here and checks each request's signed-in user against it. The default,
 * {@link #inMemory()}, serves one node; a cluster gives every node one shared implementation:
 * {@link JdbcSessionRevocations} (PostgreSQL) or {@code RedisSessionRevocations}
 * (cloudsign-saml-redis). Implementations must be thread-safe and answer quickly (it is asked on
 * every request of a signed-in user).
 *
 * <p>Failures: an implementation that cannot answer throws (any {@link RuntimeException}, with a
 * message naming the store), never answers "not revoked" by guess. A failing {@link #isRevoked}
 * makes the filter refuse that request with 503 {@code session_check_unavailable} and keep the
 * session; a failing {@link #revoke} must have recorded nothing, and the filter then signs out only
 * the browser that carried the LogoutRequest, logs an ERROR and answers the IdP with Status {@code
 * Responder}.
 */
public interface SessionRevocations {
  /**
   * Records that the sessions of {@code nameId} at {@code registrationId} that signed in at or
   * before {@code at} are ended: only those with one of {@code sessionIndexes} when there are any,
   * else all of that user's. A later call for the same sessions with an earlier instant keeps the
   * later one.
   *
   * @throws RuntimeException if the store cannot record it (then it recorded nothing)
   */
  void revoke(String registrationId, String nameId, List<String> sessionIndexes, Instant at);

  /**
   * Whether this signed-in user's session was ended by a revocation at or after it signed in.
   *
   * @throws RuntimeException if the store cannot answer (the request is refused, not let in)
   */
  boolean isRevoked(SamlPrincipal principal);

  /** One node's memory: at most 100,000 revocations, each kept 12 hours. */
  static SessionRevocations inMemory() {
    return new InMemorySessionRevocations(100_000, java.time.Duration.ofHours(12));
  }
}
