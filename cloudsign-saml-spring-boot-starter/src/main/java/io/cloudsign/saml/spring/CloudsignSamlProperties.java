package io.cloudsign.saml.spring;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cloudsign.saml.*}: the service provider as an admin sees it in Entra's <i>Basic SAML
 * Configuration</i>, one entry per registration (Entra enterprise application / customer tenant)
 * under {@code registrations.<id>}, plus service-wide settings.
 *
 * <pre>{@code
 * cloudsign:
 *   saml:
 *     state-key: ${CLOUDSIGN_SAML_STATE_KEY}   # base64, at least 32 bytes; same on every node
 *     registrations:
 *       cloudsign:
 *         identifier: urn:amazon:cognito:sp:ap-northeast-1_<CUSTOM_ID>
 *         reply-url: https://cloudsign-<CUSTOM_ID>.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse
 *         sign-on-url: https://www.cloudsign.jp/login
 *         # App Federation Metadata Url (refreshed), or a file / classpath: location
 *         metadata: https://login.microsoftonline.com/<tenant id>/federationmetadata/2007-06/federationmetadata.xml?appid=<app id>
 * }</pre>
 *
 * <p>Every value is checked at start-up by core's builders; a mistake stops the application with
 * the builder's message and the property's name (see {@link CloudsignSamlConfigurationException}).
 * Defaults are core's and the servlet filter's (skew 3 minutes; state key random per start, which
 * suits one node only).
 */
@ConfigurationProperties(prefix = "cloudsign.saml")
public class CloudsignSamlProperties {
  private Map<String, RegistrationProperties> registrations = new LinkedHashMap<>();
  private Duration clockSkew;
  private String stateKey;
  private ReplayStore replayStore = ReplayStore.MEMORY;
  private String replayTable;
  private String signInPath = "/login";
  private String metadataPath = "/saml2/metadata";
  private String afterLogoutPath;
  private Duration metadataRefreshInterval;

  /** Registrations by id (the id appears in logs, metadata paths and link keys). */
  public Map<String, RegistrationProperties> getRegistrations() {
    return registrations;
  }

  public void setRegistrations(Map<String, RegistrationProperties> registrations) {
    this.registrations = registrations;
  }

  /** Allowed clock difference with Entra (core's default 3 minutes, at most 10). */
  public Duration getClockSkew() {
    return clockSkew;
  }

  public void setClockSkew(Duration clockSkew) {
    this.clockSkew = clockSkew;
  }

  /**
   * Base64 HMAC key of the request-state cookie, at least 32 bytes; every node serving a Reply URL
   * needs the same one. Unset: random per start (sign-ins in flight fail after a restart).
   */
  public String getStateKey() {
    return stateKey;
  }

  public void setStateKey(String stateKey) {
    this.stateKey = stateKey;
  }

  /** Where seen assertion ids are kept: {@code memory} (one node) or {@code jdbc}. */
  public ReplayStore getReplayStore() {
    return replayStore;
  }

  public void setReplayStore(ReplayStore replayStore) {
    this.replayStore = replayStore;
  }

  /** Table of the {@code jdbc} replay store (core's default {@code saml_replay_cache}). */
  public String getReplayTable() {
    return replayTable;
  }

  public void setReplayTable(String replayTable) {
    this.replayTable = replayTable;
  }

  /** The path that starts sign-in (besides each Sign on URL's path). Default {@code /login}. */
  public String getSignInPath() {
    return signInPath;
  }

  public void setSignInPath(String signInPath) {
    this.signInPath = signInPath;
  }

  /** SP metadata path ({@code /<registration id>} appended for one of several). */
  public String getMetadataPath() {
    return metadataPath;
  }

  public void setMetadataPath(String metadataPath) {
    this.metadataPath = metadataPath;
  }

  /**
   * Where the browser lands once Entra confirmed a single logout at the Logout Url ({@code
   * sp-logout-url}). Default {@code <sign-in-path>?logout}, Spring Security's default logout
   * success URL, which the starter answers with a "signed out" page (not a new trip to Entra).
   */
  public String getAfterLogoutPath() {
    return afterLogoutPath;
  }

  public void setAfterLogoutPath(String afterLogoutPath) {
    this.afterLogoutPath = afterLogoutPath;
  }

  /**
   * How often an App Federation Metadata Url is fetched again (core's default 1 hour, 10 seconds to
   * 1 day; sooner when the metadata's cacheDuration or validUntil says so).
   */
  public Duration getMetadataRefreshInterval() {
    return metadataRefreshInterval;
  }

  public void setMetadataRefreshInterval(Duration metadataRefreshInterval) {
    this.metadataRefreshInterval = metadataRefreshInterval;
  }

  /** Replay stores core offers. */
  public enum ReplayStore {
    /** {@code InMemoryReplayCache}: one node. */
    MEMORY,
    /** {@code JdbcReplayCache} on the application's {@code DataSource} bean (a cluster). */
    JDBC
  }

  /** One registration: Entra's Basic SAML Configuration and where its IdP metadata is. */
  public static class RegistrationProperties {
    private String identifier;
    private String replyUrl;
    private String signOnUrl;
    private String spLogoutUrl;
    private String metadata;
    private String metadataCacheFile;
    private String idpEntityId;
    private String loginUrl;
    private String logoutUrl;
    private String certificate;
    private String nameIdFormat;
    private boolean forceAuthn;
    private String requestBinding;
    private String signingKey;
    private String signingCertificate;
    private String decryptionKey;
    private String decryptionCertificate;
    private Map<String, String> claims = new LinkedHashMap<>();

    /** Entra's <i>Identifier (Entity ID)</i>: the Issuer of our AuthnRequests, the Audience. */
    public String getIdentifier() {
      return identifier;
    }

    public void setIdentifier(String identifier) {
      this.identifier = identifier;
    }

    /** Entra's <i>Reply URL</i> (ends in {@code /saml2/idpresponse}). */
    public String getReplyUrl() {
      return replyUrl;
    }

    public void setReplyUrl(String replyUrl) {
      this.replyUrl = replyUrl;
    }

    /** Entra's <i>Sign on URL</i> (optional); its path also starts sign-in. */
    public String getSignOnUrl() {
      return signOnUrl;
    }

    public void setSignOnUrl(String signOnUrl) {
      this.signOnUrl = signOnUrl;
    }

    /**
     * Entra's <i>Logout Url (Optional)</i> in Basic SAML Configuration (optional): this
     * application's address, e.g. {@code https://app.example.com/saml2/logout}, where Entra sends
     * its LogoutResponse to a sign-out started here and its own LogoutRequests (IdP-initiated
     * logout). With it, and an IdP logout URL (from the metadata, or {@code logout-url}), Spring's
     * {@code POST /logout} also signs the user out of Entra (single logout); without it logout
     * stays local. {@code https} ({@code http} only on a loopback host); its path must be its own
     * (not the Reply URL's, the sign-in, logout or metadata path). Not {@code logout-url}, which is
     * Entra's own Logout URL.
     */
    public String getSpLogoutUrl() {
      return spLogoutUrl;
    }

    public void setSpLogoutUrl(String spLogoutUrl) {
      this.spLogoutUrl = spLogoutUrl;
    }

    /**
     * Entra's <i>App Federation Metadata Url</i> ({@code https://…}; {@code http://} only to a
     * loopback host), loaded at start-up and refreshed while running (see {@link
     * CloudsignSamlMetadata}); or its <i>Federation Metadata XML</i> as a file path, {@code file:}
     * or {@code classpath:} location, read once at start-up.
     */
    public String getMetadata() {
      return metadata;
    }

    public void setMetadata(String metadata) {
      this.metadata = metadata;
    }

    /**
     * With an App Federation Metadata Url (optional): a file that keeps the last good copy, so the
     * application still starts while the URL cannot be loaded.
     */
    public String getMetadataCacheFile() {
      return metadataCacheFile;
    }

    public void setMetadataCacheFile(String metadataCacheFile) {
      this.metadataCacheFile = metadataCacheFile;
    }

    /** Instead of metadata: Entra's <i>Microsoft Entra Identifier</i>. */
    public String getIdpEntityId() {
      return idpEntityId;
    }

    public void setIdpEntityId(String idpEntityId) {
      this.idpEntityId = idpEntityId;
    }

    /** Instead of metadata: Entra's <i>Login URL</i>. */
    public String getLoginUrl() {
      return loginUrl;
    }

    public void setLoginUrl(String loginUrl) {
      this.loginUrl = loginUrl;
    }

    /**
     * Instead of metadata (optional): Entra's <i>Logout URL</i> (its single logout address, in "Set
     * up"), where {@code sp-logout-url} sign-outs are sent.
     */
    public String getLogoutUrl() {
      return logoutUrl;
    }

    public void setLogoutUrl(String logoutUrl) {
      this.logoutUrl = logoutUrl;
    }

    /** Instead of metadata: the <i>Certificate (Base64)</i>, inline or a location. */
    public String getCertificate() {
      return certificate;
    }

    public void setCertificate(String certificate) {
      this.certificate = certificate;
    }

    /** NameIDPolicy Format to request (optional). */
    public String getNameIdFormat() {
      return nameIdFormat;
    }

    public void setNameIdFormat(String nameIdFormat) {
      this.nameIdFormat = nameIdFormat;
    }

    /** Ask Entra to re-authenticate the user (ForceAuthn). Default false. */
    public boolean isForceAuthn() {
      return forceAuthn;
    }

    public void setForceAuthn(boolean forceAuthn) {
      this.forceAuthn = forceAuthn;
    }

    /** How the AuthnRequest travels: {@code http-redirect} (default) or {@code http-post}. */
    public String getRequestBinding() {
      return requestBinding;
    }

    public void setRequestBinding(String requestBinding) {
      this.requestBinding = requestBinding;
    }

    /**
     * SP private key (PKCS#8 PEM, location) that signs AuthnRequests (Entra's "Require verification
     * certificates"); with {@link #getSigningCertificate()}.
     */
    public String getSigningKey() {
      return signingKey;
    }

    public void setSigningKey(String signingKey) {
      this.signingKey = signingKey;
    }

    /** SP certificate (PEM, location) of {@link #getSigningKey()}. */
    public String getSigningCertificate() {
      return signingCertificate;
    }

    public void setSigningCertificate(String signingCertificate) {
      this.signingCertificate = signingCertificate;
    }

    /**
     * SP private key (PKCS#8 PEM, location) that decrypts assertions when Entra's "Token
     * encryption" is on; with {@link #getDecryptionCertificate()}, the certificate imported in
     * Entra (listed in SP metadata as {@code use="encryption"}). May be the signing key.
     */
    public String getDecryptionKey() {
      return decryptionKey;
    }

    public void setDecryptionKey(String decryptionKey) {
      this.decryptionKey = decryptionKey;
    }

    /** SP certificate (PEM, location) of {@link #getDecryptionKey()}. */
    public String getDecryptionCertificate() {
      return decryptionCertificate;
    }

    public void setDecryptionCertificate(String decryptionCertificate) {
      this.decryptionCertificate = decryptionCertificate;
    }

    /**
     * Renamed claims: {@code EntraClaim} name (e.g. {@code email}, {@code groups}, {@code roles})
     * to the attribute name the admin configured in Entra's "Attributes &amp; Claims".
     */
    public Map<String, String> getClaims() {
      return claims;
    }

    public void setClaims(Map<String, String> claims) {
      this.claims = claims;
    }
  }
}
