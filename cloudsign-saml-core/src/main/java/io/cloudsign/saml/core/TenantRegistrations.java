package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.LogSafe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Customer tenants read from a {@link RegistrationRepository} on use, so a tenant added, changed or
 * removed there takes effect on every node without a restart. Give it to {@link
 * ServiceProvider.Builder#tenants(TenantRegistrations)}.
 *
 * <pre>{@code
 * TenantRegistrations tenants =
 *     TenantRegistrations.builder(repository) // e.g. new JdbcRegistrationRepository(dataSource)
 *         .customize((row, registration) -> registration.requestSigningKey(spKey, spCertificate))
 *         .build();
 * ServiceProvider sp = ServiceProvider.builder().tenants(tenants).replayCache(shared).build();
 * }</pre>
 *
 * <ul>
 *   <li><b>Bounded memory</b>: a node holds only the tenants it has used, at most {@link
 *       Builder#maxCached(int)} (default 1,000), least recently used dropped first (its metadata
 *       refreshes stop); 100,000 rows in the repository are not 100,000 parsed documents.
 *   <li><b>Bounded staleness</b>: a held tenant is checked against its row at its first use after
 *       {@link Builder#reloadAfter(Duration)} (default 30 s; one version lookup, the row is read
 *       and built again only when its version changed). A change or removal therefore takes effect
 *       on every node within that time of the commit; an unknown id is remembered as unknown for
 *       the same time (at most 10,000 of them), so a tenant added on one node is usable on every
 *       node at most 30 s later, and at once where it was never asked for.
 *   <li><b>Metadata per tenant</b>: stored XML is parsed once per version; an App Federation
 *       Metadata Url is fetched when the tenant is first used on a node and then refreshed by that
 *       node (every {@link Builder#metadataRefreshInterval(Duration)}, default 1 hour, minus a
 *       random jitter of up to a tenth, and at once when an unknown certificate signs), lazily:
 *       only nodes that use a tenant fetch its metadata, so the fetches per hour are at most nodes
 *       × tenants held, not nodes × tenants stored.
 *   <li><b>Fail closed</b>: when the repository cannot be reached, or a row does not make a valid
 *       {@link Registration} (bad metadata, a URL Entra would refuse), the lookup throws {@link
 *       RegistrationUnavailableException} naming the tenant; sign-ins for it are refused with
 *       {@link ErrorCode#REGISTRATION_UNAVAILABLE} (an unusable row is tried again after {@code
 *       reloadAfter}, not on every request). A held tenant whose check cannot reach the repository
 *       is refused too: a removed tenant must not stay usable while the store is down.
 * </ul>
 *
 * <p>Loads of one tenant are serialised (no stampede on a cold tenant); other tenants do not wait.
 * Thread-safe. {@link #close()} stops every tenant's metadata refreshes.
 */
public final class TenantRegistrations implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TenantRegistrations.class);
  private static final int MAX_UNKNOWN = 10_000;
  private static final int LOCK_STRIPES = 64;

  private final RegistrationRepository repository;
  private final int maxCached;
  private final Duration reloadAfter;
  private final Duration metadataRefreshInterval;
  private final BiConsumer<RegistrationRecord, Registration.Builder> customizer;
  private final Clock clock;
  private final Object[] locks = new Object[LOCK_STRIPES];

  /** Held tenants, least recently used first; guarded by {@code this}. */
  private final LinkedHashMap<String, Held> held;

  /** Ids the repository did not have, with when it said so; guarded by {@code this}. */
  private final LinkedHashMap<String, Instant> unknown;

  private boolean closed;

  /**
   * A held tenant: which row (id, version, stored XML or URL; not the row itself, whose metadata
   * XML would double what a held tenant costs) and what it made (a registration, or why none).
   */
  private record Held(
      String id,
      long version,
      boolean storedXml,
      Registration registration,
      FederationMetadataUrl metadata,
      String problem,
      Instant checkedAt) {
    Held(
        RegistrationRecord row,
        Registration registration,
        FederationMetadataUrl metadata,
        String problem,
        Instant checkedAt) {
      this(
          row.id(),
          row.version(),
          row.metadataXml() != null,
          registration,
          metadata,
          problem,
          checkedAt);
    }

    Held checked(Instant at) {
      return new Held(id, version, storedXml, registration, metadata, problem, at);
    }

    void close() {
      if (metadata != null) {
        metadata.close();
      }
    }
  }

  private TenantRegistrations(Builder b) {
    this.repository = b.repository;
    this.maxCached = b.maxCached;
    this.reloadAfter = b.reloadAfter;
    this.metadataRefreshInterval = b.metadataRefreshInterval;
    this.customizer = b.customizer;
    this.clock = b.clock;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
    this.held =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Held> eldest) {
            if (size() > TenantRegistrations.this.maxCached) {
              eldest.getValue().close();
              return true;
            }
            return false;
          }
        };
    this.unknown =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > MAX_UNKNOWN;
          }
        };
  }

  public static Builder builder(RegistrationRepository repository) {
    return new Builder(repository);
  }

  /**
   * The tenant's registration, from this node's memory while it is fresh, else from the repository.
   *
   * @return empty when the repository has no such tenant
   * @throws RegistrationUnavailableException when the repository cannot be reached or the tenant's
   *     row is unusable
   */
  public Optional<Registration> find(String id) {
    if (!RegistrationRecord.isValidId(id)) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Optional<Optional<Registration>> answer = fromMemory(id, now);
    if (answer.isPresent()) {
      return answer.get();
    }
    synchronized (locks[Math.floorMod(id.hashCode(), LOCK_STRIPES)]) {
      answer = fromMemory(id, now);
      return answer.isPresent() ? answer.get() : load(id, now);
    }
  }

  /**
   * The id of the one tenant whose Reply URL has this host, for a SaaS that gives each tenant a
   * host of its own (CloudSign's {@code cloudsign-<ID>.auth.…}); one indexed query, not cached.
   *
   * @return empty when no tenant or more than one has this host (ambiguous: none is chosen)
   * @throws RegistrationUnavailableException when the repository cannot be reached
   */
  public Optional<String> idForReplyUrlHost(String host) {
    if (host == null || host.isEmpty() || host.length() > 253) {
      return Optional.empty();
    }
    List<RegistrationRecord> rows;
    try {
      rows = repository.findByReplyUrlHost(host, 2);
    } catch (RuntimeException e) {
      log.warn(
          "registration repository unavailable for host {}: {}",
          LogSafe.text(host),
          LogSafe.text(String.valueOf(e.getMessage())));
      throw new RegistrationUnavailableException(
          host,
          true,
          "the registration repository cannot be reached ("
              + e.getClass().getSimpleName()
              + ") to find the tenant of host "
              + LogSafe.text(host),
          e);
    }
    if (rows.size() > 1) {
      log.warn(
          "two or more tenants have a Reply URL on host {} (e.g. {} and {}): none is chosen",
          LogSafe.text(host),
          LogSafe.text(rows.get(0).id()),
          LogSafe.text(rows.get(1).id()));
      return Optional.empty();
    }
    return rows.stream().findFirst().map(RegistrationRecord::id);
  }

  /** How many tenants this node holds now. */
  public synchronized int heldCount() {
    return held.size();
  }

  /** The repository this reads. */
  public RegistrationRepository repository() {
    return repository;
  }

  /**
   * Forgets what this node holds of a tenant, so its next use reads the row again: for the node
   * that has just changed it (other nodes notice within {@code reloadAfter}).
   */
  public void forget(String id) {
    Held old;
    synchronized (this) {
      old = held.remove(id);
      unknown.remove(id);
    }
    if (old != null) {
      old.close();
    }
  }

  /** Stops every held tenant's metadata refreshes and drops them. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      held.values().forEach(Held::close);
      held.clear();
      unknown.clear();
    }
  }

  /** What memory answers while fresh: a registration, "unknown", a problem; else nothing. */
  private synchronized Optional<Optional<Registration>> fromMemory(String id, Instant now) {
    Held h = held.get(id);
    if (h != null && fresh(h.checkedAt(), now)) {
      return Optional.of(answer(h));
    }
    Instant absentSince = unknown.get(id);
    if (absentSince != null && fresh(absentSince, now)) {
      return Optional.of(Optional.empty());
    }
    return Optional.empty();
  }

  private boolean fresh(Instant checkedAt, Instant now) {
    return now.isBefore(checkedAt.plus(reloadAfter)) && !now.isBefore(checkedAt);
  }

  private Optional<Registration> answer(Held h) {
    if (h.registration() == null) {
      throw new RegistrationUnavailableException(h.id(), false, h.problem(), null);
    }
    return Optional.of(h.registration());
  }

  private Optional<Registration> load(String id, Instant now) {
    Held old;
    synchronized (this) {
      old = held.get(id);
    }
    try {
      // A row that failed only because its metadata URL could not be fetched is tried again.
      if (old != null && (old.registration() != null || old.storedXml())) {
        OptionalLong version = repository.versionOf(id);
        if (version.isPresent() && version.getAsLong() == old.version()) {
          keep(id, old.checked(now));
          return answer(old);
        }
      }
      Optional<RegistrationRecord> row = repository.findById(id);
      if (row.isEmpty()) {
        synchronized (this) {
          held.remove(id);
          unknown.put(id, now);
        }
        if (old != null) {
          log.info("tenant registration {} removed from the repository", LogSafe.text(id));
          old.close();
        }
        return Optional.empty();
      }
      Held fresh = build(row.get(), now);
      keep(id, fresh);
      if (old != null) {
        old.close();
      }
      return answer(fresh);
    } catch (RegistrationUnavailableException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn(
          "registration repository unavailable for tenant {}: {}",
          LogSafe.text(id),
          LogSafe.text(String.valueOf(e.getMessage())));
      throw new RegistrationUnavailableException(
          id,
          true,
          "the registration repository cannot be reached ("
              + e.getClass().getSimpleName()
              + "); sign-ins for tenant '"
              + id
              + "' are refused until it is back",
          e);
    }
  }

  private void keep(String id, Held h) {
    boolean stop;
    synchronized (this) {
      stop = closed;
      if (!stop) {
        unknown.remove(id);
        held.put(id, h);
      }
    }
    if (stop) {
      h.close();
    }
  }

  /** Builds the row's registration; an unusable row is held with its problem. */
  private Held build(RegistrationRecord row, Instant now) {
    FederationMetadataUrl metadata = null;
    try {
      IdentityProvider idp;
      if (row.metadataXml() != null) {
        idp = IdentityProvider.fromMetadata(row.metadataXml());
      } else {
        metadata =
            FederationMetadataUrl.builder(row.metadataUrl())
                .refreshInterval(metadataRefreshInterval)
                .clock(clock)
                .start();
        idp = metadata.identityProvider();
      }
      Registration.Builder b =
          Registration.builder(row.id())
              .entityId(row.entityId())
              .replyUrl(row.replyUrl())
              .identityProvider(idp);
      if (row.signOnUrl() != null) {
        b.signOnUrl(row.signOnUrl());
      }
      if (row.logoutUrl() != null) {
        b.logoutUrl(row.logoutUrl());
      }
      customizer.accept(row, b);
      Registration registration = b.build();
      log.info(
          "tenant registration {} loaded (version {}, IdP {})",
          LogSafe.text(row.id()),
          row.version(),
          LogSafe.text(idp.entityId()));
      return new Held(row, registration, metadata, null, now);
    } catch (SamlMetadataException | RuntimeException e) {
      // Bad metadata, a value Registration refuses, or the customizer failing for this row.
      if (metadata != null) {
        metadata.close();
      }
      String problem =
          "tenant '"
              + row.id()
              + "' (version "
              + row.version()
              + ") in the registration repository is unusable: "
              + LogSafe.text(String.valueOf(e.getMessage()))
              + (row.metadataUrl() != null
                  ? " (check its App Federation Metadata Url)"
                  : " (check its Federation Metadata XML, Identifier, Reply URL and Logout Url)");
      log.warn(problem);
      return new Held(row, null, null, problem, now);
    }
  }

  /** Builder; {@link #build()} checks every value. */
  public static final class Builder {
    private final RegistrationRepository repository;
    private int maxCached = 1000;
    private Duration reloadAfter = Duration.ofSeconds(30);
    private Duration metadataRefreshInterval = Duration.ofHours(1);
    private BiConsumer<RegistrationRecord, Registration.Builder> customizer = (row, b) -> {};
    private Clock clock = Clock.systemUTC();

    private Builder(RegistrationRepository repository) {
      this.repository = Objects.requireNonNull(repository, "repository");
    }

    /** How many tenants a node holds at most (1 to 1,000,000; default 1,000). */
    public Builder maxCached(int maxCached) {
      if (maxCached < 1 || maxCached > 1_000_000) {
        throw new IllegalArgumentException("maxCached must be between 1 and 1000000: " + maxCached);
      }
      this.maxCached = maxCached;
      return this;
    }

    /**
     * How long a held tenant is used before its row is checked again (1 s to 10 min; default 30 s):
     * the longest a change in the repository takes to reach a node.
     */
    public Builder reloadAfter(Duration reloadAfter) {
      Objects.requireNonNull(reloadAfter, "reloadAfter");
      if (reloadAfter.compareTo(Duration.ofSeconds(1)) < 0
          || reloadAfter.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(
            "reloadAfter must be between 1 second and 10 minutes: " + reloadAfter);
      }
      this.reloadAfter = reloadAfter;
      return this;
    }

    /** How often a held tenant's App Federation Metadata Url is fetched again (default 1 hour). */
    public Builder metadataRefreshInterval(Duration interval) {
      this.metadataRefreshInterval = Objects.requireNonNull(interval, "metadataRefreshInterval");
      return this;
    }

    /**
     * What every tenant's registration gets besides its row, e.g. the SP's request-signing or
     * decryption key, a claim mapping, {@code forceAuthn}.
     */
    public Builder customize(BiConsumer<RegistrationRecord, Registration.Builder> customizer) {
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /** The clock for reloads and metadata (tests pass a controllable one). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public TenantRegistrations build() {
      return new TenantRegistrations(this);
    }
  }
}
