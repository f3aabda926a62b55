package io.cloudsign.saml.core;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where customer tenants' registrations live when they are added, changed and removed at runtime
 * (one row per tenant), shared by every node: {@link InMemoryRegistrationRepository} for one node
 * and tests, {@link JdbcRegistrationRepository} (PostgreSQL) for a cluster. A {@link
 * TenantRegistrations} in front of it holds only the tenants a node uses.
 *
 * <p>Implementations must be thread-safe. A lookup that cannot reach its store throws an unchecked
 * exception (never an empty answer: an outage must not look like "no such tenant"), and must not
 * block for longer than a few seconds.
 */
public interface RegistrationRepository {
  /** The registration with this id, if any. */
  Optional<RegistrationRecord> findById(String id);

  /**
   * The version of the registration with this id, if any: what a node asks to learn whether its
   * copy is still current. The default reads the whole row; a database reads one column.
   */
  default OptionalLong versionOf(String id) {
    return findById(id).map(r -> OptionalLong.of(r.version())).orElse(OptionalLong.empty());
  }

  /**
   * The registrations whose Reply URL has exactly this path (e.g. {@code /saml2/idpresponse}), at
   * most {@code limit} (1 to 1,000) in id order.
   */
  List<RegistrationRecord> findByReplyUrlPath(String path, int limit);

  /**
   * The registrations whose Reply URL has this host (case-insensitive), at most {@code limit} (1 to
   * 1,000) in id order: a SaaS that gives each tenant a host of its own (CloudSign's {@code
   * cloudsign-<ID>.auth.…}) finds the tenant of a request by its host.
   */
  List<RegistrationRecord> findByReplyUrlHost(String host, int limit);

  /**
   * One page of registrations in id order, starting after {@code afterId} ({@code null}: from the
   * first), at most {@code limit} (1 to 1,000).
   */
  List<RegistrationRecord> list(String afterId, int limit);

  /** Checks a page size. */
  static int requireLimit(int limit) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be between 1 and 1000: " + limit);
    }
    return limit;
  }
}
