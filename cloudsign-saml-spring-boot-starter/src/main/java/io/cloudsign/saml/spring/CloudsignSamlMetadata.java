package io.cloudsign.saml.spring;

import io.cloudsign.saml.core.FederationMetadataUrl;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The App Federation Metadata Urls of the registrations whose {@code metadata} is a URL (a bean):
 * each one a core {@link FederationMetadataUrl}, loaded at start-up, refreshed in the background
 * ({@code cloudsign.saml.metadata-refresh-interval}, default 1 hour) and on demand when a Response
 * is signed by a certificate not trusted yet, keeping the last good copy on any failure.
 * Registrations with a metadata file are not listed (their metadata never changes while running).
 *
 * <p>For a health check (no Actuator needed):
 *
 * <pre>{@code
 * @GetMapping("/health/saml-metadata")
 * Map<String, Object> health(CloudsignSamlMetadata metadata) {
 *   return Map.of("stale", metadata.stale(), "sources", metadata.status());
 * }
 * }</pre>
 *
 * <p>Closed with the application context: refreshes stop, the last copies stay trusted until the
 * context is gone. Thread-safe.
 */
public final class CloudsignSamlMetadata implements AutoCloseable {
  private final Map<String, FederationMetadataUrl> sources;

  CloudsignSamlMetadata(Map<String, FederationMetadataUrl> sources) {
    this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
  }

  /** The source of registration {@code registrationId}, if its metadata is a URL. */
  public Optional<FederationMetadataUrl> source(String registrationId) {
    return Optional.ofNullable(sources.get(registrationId));
  }

  /**
   * Each URL source's state by registration id: last success and where from, last failure and why,
   * next refresh, trusted certificates (SHA-256 and Entra's SHA-1 thumbprint, validity).
   */
  public Map<String, FederationMetadataUrl.Status> status() {
    Map<String, FederationMetadataUrl.Status> out = new LinkedHashMap<>();
    sources.forEach((id, source) -> out.put(id, source.status()));
    return out;
  }

  /** True when the latest load of any source failed (that registration runs on an older copy). */
  public boolean stale() {
    return sources.values().stream().anyMatch(s -> s.status().stale());
  }

  /** Stops every refresh (called by Spring when the context closes). */
  @Override
  public void close() {
    sources.values().forEach(FederationMetadataUrl::close);
  }

  @Override
  public String toString() {
    return "CloudsignSamlMetadata" + sources.keySet();
  }
}
