package io.cloudsign.saml.core;

import java.util.Objects;
import java.util.Optional;

/**
 * One tenant's row in a {@link RegistrationRepository}: the values an admin types into Entra's
 * <i>Basic SAML Configuration</i> plus the IdP metadata, either stored (Federation Metadata XML) or
 * referenced by its App Federation Metadata Url; exactly one of the two. {@code version} changes
 * whenever the row changes.
 *
 * <p>Immutable; checks only shape here (id syntax, one metadata source). The values themselves are
 * checked when a {@link Registration} is built from the record.
 */
public record RegistrationRecord(
    String id,
    String entityId,
    String replyUrl,
    String signOnUrl,
    String metadataXml,
    String metadataUrl,
    long version) {

  /**
   * @throws IllegalArgumentException if the id is not a registration id or not exactly one of
   *     metadataXml and metadataUrl is given
   */
  public RegistrationRecord {
    if (id == null || !id.matches("[A-Za-z0-9._~-]{1,64}")) {
      throw new IllegalArgumentException(
          "registration id must be 1-64 characters of A-Z a-z 0-9 . _ ~ -: " + id);
    }
    Objects.requireNonNull(entityId, "entityId");
    Objects.requireNonNull(replyUrl, "replyUrl");
    if ((metadataXml == null) == (metadataUrl == null)) {
      throw new IllegalArgumentException(
          "registration '" + id + "': give exactly one of metadataXml and metadataUrl");
    }
  }

  public Optional<String> signOnUrlValue() {
    return Optional.ofNullable(signOnUrl);
  }
}
