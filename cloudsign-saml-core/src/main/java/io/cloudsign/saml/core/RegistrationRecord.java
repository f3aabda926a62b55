package io.cloudsign.saml.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One tenant's row in a {@link RegistrationRepository}: the values an admin types into Entra's
 * <i>Basic SAML Configuration</i> ({@code entityId} = Identifier (Entity ID), {@code replyUrl} =
 * Reply URL, {@code signOnUrl} = Sign on URL and {@code logoutUrl} = Logout Url, both may be {@code
 * null}; with a Logout Url the tenant gets single logout, SP- and IdP-initiated) plus Entra's
 * metadata, either stored ({@code metadataXml}: the Federation Metadata XML) or referenced ({@code
 * metadataUrl}: the App Federation Metadata Url, fetched and refreshed by the node that uses the
 * tenant); exactly one of the two. {@code version} changes whenever the row changes (repositories
 * maintain it).
 *
 * <p>Immutable; checks only shape here (id syntax, one metadata source). The values themselves are
 * checked when a {@link Registration} is built from the record, on first use.
 */
public record RegistrationRecord(
    String id,
    String entityId,
    String replyUrl,
    String signOnUrl,
    String logoutUrl,
    String metadataXml,
    String metadataUrl,
    long version) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

  /**
   * @throws IllegalArgumentException if the id is not a registration id or not exactly one of
   *     metadataXml and metadataUrl is given
   */
  public RegistrationRecord {
    if (!isValidId(id)) {
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

  /**
   * A row without a Logout Url (the shape before Logout Urls were stored).
   *
   * @throws IllegalArgumentException as the canonical constructor
   */
  public RegistrationRecord(
      String id,
      String entityId,
      String replyUrl,
      String signOnUrl,
      String metadataXml,
      String metadataUrl,
      long version) {
    this(id, entityId, replyUrl, signOnUrl, null, metadataXml, metadataUrl, version);
  }

  /** A row with metadata stored as XML (version 0: the repository assigns it). */
  public static RegistrationRecord withMetadataXml(
      String id, String entityId, String replyUrl, String signOnUrl, String metadataXml) {
    return new RegistrationRecord(id, entityId, replyUrl, signOnUrl, null, metadataXml, null, 0);
  }

  /** A row whose metadata is fetched from Entra's App Federation Metadata Url. */
  public static RegistrationRecord withMetadataUrl(
      String id, String entityId, String replyUrl, String signOnUrl, String metadataUrl) {
    return new RegistrationRecord(id, entityId, replyUrl, signOnUrl, null, null, metadataUrl, 0);
  }

  /** Whether {@code id} has the shape of a registration id (so a lookup is worth a query). */
  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** This row with another version. */
  public RegistrationRecord withVersion(long newVersion) {
    return new RegistrationRecord(
        id, entityId, replyUrl, signOnUrl, logoutUrl, metadataXml, metadataUrl, newVersion);
  }

  /**
   * This row with Entra's <i>Logout Url</i> for the tenant's app ({@code null}: none, no single
   * logout), e.g. {@code https://app.example.com/saml2/logout}. Checked, like the Reply URL, when
   * the registration is built: https, or http on a loopback host.
   */
  public RegistrationRecord withLogoutUrl(String newLogoutUrl) {
    return new RegistrationRecord(
        id, entityId, replyUrl, signOnUrl, newLogoutUrl, metadataXml, metadataUrl, version);
  }

  @Override
  public String toString() {
    return "RegistrationRecord{"
        + id
        + ", entityId="
        + entityId
        + ", replyUrl="
        + replyUrl
        + (logoutUrl != null ? ", logoutUrl=" + logoutUrl : "")
        + ", metadata="
        + (metadataUrl != null ? metadataUrl : "stored XML")
        + ", version="
        + version
        + "}";
  }
}
