package io.cloudsign.saml.core;

import java.util.List;
import java.util.Optional;

/**
 * Where tenants' registrations live when they change at runtime (one row per customer tenant),
 * shared by every node: {@link InMemoryRegistrationRepository} for one node and tests; a database
 * for a cluster.
 *
 * <p>Implementations must be thread-safe. A lookup that cannot reach its store throws {@link
 * IllegalStateException} (never an empty answer: an outage must not look like "no such tenant").
 */
public interface RegistrationRepository {
  /** The registration with this id, if any. */
  Optional<RegistrationRecord> findById(String id);

  /** The registrations whose Reply URL has exactly this path (e.g. {@code /saml2/idpresponse}). */
  List<RegistrationRecord> findByReplyUrlPath(String path);

  /** The registrations whose Reply URL has this host (case-insensitive). */
  List<RegistrationRecord> findByReplyUrlHost(String host);

  /**
   * One page of registrations in id order, starting after {@code afterId} ({@code null}: from the
   * first), at most {@code limit} (1 to 1,000).
   */
  List<RegistrationRecord> list(String afterId, int limit);
}
