package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.Urls;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Entra enterprise application this service provider accepts sign-ins from: the values an admin
 * types into Entra's <i>Basic SAML Configuration</i> plus the tenant's {@link IdentityProvider}. A
 * SaaS serving many customer tenants has one registration per tenant, each with its own id.
 *
 * <p>Security guarantees: a Response is checked against the registration its pending request names,
 * never another. But a registration vouches only for its own IdP: <b>NameIDs and claims are unique
 * only within one registration</b> — the admin of one customer's tenant can make Entra send any UPN
 * or email, including another customer's. Link users by {@link VerifiedAssertion#subjectKey()} or
 * {@link VerifiedAssertion#entraObjectKey()}, which include the registration.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * Registration contoso =
 *     Registration.builder("contoso")
 *         .entityId("urn:amazon:cognito:sp:ap-northeast-1_EXAMPLE") // Identifier (Entity ID)
 *         .replyUrl(
 *             "https://cloudsign-EXAMPLE.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse")
 *         .signOnUrl("https://www.cloudsign.jp/login") // Sign on URL
 *         .identityProvider(entra)
 *         .build();
 * }</pre>
 */
public final class Registration {
  private final String id;
  private final String entityId;
  private final URI replyUrl;
  private final URI signOnUrl;
  private final URI logoutUrl;
  private final List<String> logoutIssuers;
  private final boolean acceptUnsignedLogoutRequests;
  private final IdentityProvider identityProvider;
  private final String nameIdFormat;
  private final boolean forceAuthn;
  private final boolean passive;
  private final List<String> requestedAuthnContextClassRefs;
  private final Binding requestBinding;
  private final PrivateKey requestSigningKey;
  private final X509Certificate requestSigningCertificate;
  private final ClaimMapping claimMapping;
  private final KeySource keySource;
  private final List<PrivateKey> decryptionKeys;
  private final List<X509Certificate> decryptionCertificates;
  private final boolean allowInsecureAesCbc;

  private Registration(Builder b) {
    this.id = b.id;
    this.entityId = b.entityId;
    this.replyUrl = b.replyUrl;
    this.signOnUrl = b.signOnUrl;
    this.logoutUrl = b.logoutUrl;
    this.logoutIssuers = logoutIssuers(b);
    this.acceptUnsignedLogoutRequests = b.acceptUnsignedLogoutRequests;
    this.identityProvider = b.identityProvider;
    this.nameIdFormat = b.nameIdFormat;
    this.forceAuthn = b.forceAuthn;
    this.passive = b.passive;
    this.requestedAuthnContextClassRefs = b.requestedAuthnContextClassRefs;
    this.requestBinding = b.requestBinding;
    this.requestSigningKey = b.requestSigningKey;
    this.requestSigningCertificate = b.requestSigningCertificate;
    this.claimMapping = b.claimMapping;
    this.keySource = b.keySource != null ? b.keySource : b.identityProvider.keySource();
    this.decryptionKeys = List.copyOf(b.decryptionKeys);
    this.decryptionCertificates = List.copyOf(b.decryptionCertificates);
    this.allowInsecureAesCbc = b.allowInsecureAesCbc;
  }

  /**
   * @param id this application's name for the registration (e.g. the customer's tenant key);
   *     carried by every {@link PendingRequest}
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  public String id() {
    return id;
  }

  /** Entra's <i>Identifier (Entity ID)</i>: the AuthnRequest Issuer and the required Audience. */
  public String entityId() {
    return entityId;
  }

  /** Entra's <i>Reply URL (Assertion Consumer Service URL)</i>. */
  public URI replyUrl() {
    return replyUrl;
  }

  /** Entra's <i>Sign on URL</i>, if set. */
  public Optional<URI> signOnUrl() {
    return Optional.ofNullable(signOnUrl);
  }

  /**
   * Entra's <i>Logout Url</i>: this application's single logout endpoint, where Entra sends its
   * LogoutResponse (HTTP-Redirect), if set; listed in SP metadata as {@code SingleLogoutService}.
   */
  public Optional<URI> logoutUrl() {
    return Optional.ofNullable(logoutUrl);
  }

  /**
   * The Issuers a LogoutResponse of this registration's IdP may carry: its entity ID and, for an
   * Entra tenant ({@code https://sts.windows.net/<tid>/}), Entra's logout form {@code
   * https://login.microsoftonline.com/<tid>/}; or what {@link Builder#logoutIssuers} set.
   */
  public List<String> logoutIssuers() {
    return logoutIssuers;
  }

  /** Whether an IdP's LogoutRequest without a signature is processed (off by default). */
  public boolean acceptsUnsignedLogoutRequests() {
    return acceptUnsignedLogoutRequests;
  }

  private static List<String> logoutIssuers(Builder b) {
    if (b.logoutIssuers != null) {
      return b.logoutIssuers;
    }
    String entity = b.identityProvider.entityId();
    return EntraIssuer.tenantId(entity)
        .map(tid -> List.of(entity, "https://login.microsoftonline.com/" + tid + "/"))
        .orElse(List.of(entity));
  }

  /**
   * Where this registration's trusted signing certificates are looked up at each validation: today
   * the identity provider's fixed set; a refreshed metadata source plugs in here.
   */
  KeySource keySource() {
    return keySource;
  }

  public IdentityProvider identityProvider() {
    return identityProvider;
  }

  /** The NameIDPolicy Format requested, if any. */
  public Optional<String> nameIdFormat() {
    return Optional.ofNullable(nameIdFormat);
  }

  public boolean forceAuthn() {
    return forceAuthn;
  }

  public boolean passive() {
    return passive;
  }

  /** Requested AuthnContextClassRefs (Comparison="exact"); empty = none requested. */
  public List<String> requestedAuthnContextClassRefs() {
    return requestedAuthnContextClassRefs;
  }

  /** How AuthnRequests are sent: HTTP-Redirect (default) or HTTP-POST. */
  public Binding requestBinding() {
    return requestBinding;
  }

  /** The key that signs AuthnRequests, if any. */
  Optional<PrivateKey> requestSigningKey() {
    return Optional.ofNullable(requestSigningKey);
  }

  /** The certificate published in SP metadata for request signing, if any. */
  public Optional<X509Certificate> requestSigningCertificate() {
    return Optional.ofNullable(requestSigningCertificate);
  }

  public ClaimMapping claimMapping() {
    return claimMapping;
  }

  /** The keys that decrypt EncryptedAssertions, in the order they are tried; may be empty. */
  List<PrivateKey> decryptionKeys() {
    return decryptionKeys;
  }

  /**
   * The certificates of the decryption keys, in order: published in SP metadata as {@code
   * use="encryption"}; the one imported in Entra (<i>Token encryption</i>) must be among them.
   * Empty when token encryption is not configured.
   */
  public List<X509Certificate> decryptionCertificates() {
    return decryptionCertificates;
  }

  /**
   * Whether AES-CBC content encryption is accepted: for an Entra IdP ({@code
   * https://sts.windows.net/<tenant>/}), which encrypts with AES-256 and offers no choice of mode,
   * always; for any other IdP only with {@link Builder#allowInsecureAesCbcDecryption(boolean)}.
   */
  boolean acceptsAesCbc() {
    return allowInsecureAesCbc || EntraIssuer.tenantId(identityProvider.entityId()).isPresent();
  }

  /** Whether {@link Builder#allowInsecureAesCbcDecryption(boolean)} was turned on. */
  public boolean allowsInsecureAesCbcDecryption() {
    return allowInsecureAesCbc;
  }

  @Override
  public String toString() {
    return "Registration{id="
        + id
        + ", entityId="
        + entityId
        + ", replyUrl="
        + replyUrl
        + ", idp="
        + identityProvider.entityId()
        + ", binding="
        + requestBinding
        + (requestSigningKey != null ? ", signsRequests" : "")
        + (decryptionKeys.isEmpty() ? "" : ", decryptionKeys=" + decryptionKeys.size())
        + (allowInsecureAesCbc ? ", INSECURE_AES_CBC_DECRYPTION_ALLOWED" : "")
        + (acceptUnsignedLogoutRequests ? ", INSECURE_UNSIGNED_LOGOUT_REQUESTS_ACCEPTED" : "")
        + "}";
  }

  /** Builder; {@link #build()} checks every value. */
  public static final class Builder {
    private final String id;
    private String entityId;
    private URI replyUrl;
    private URI signOnUrl;
    private URI logoutUrl;
    private List<String> logoutIssuers;
    private boolean acceptUnsignedLogoutRequests;
    private IdentityProvider identityProvider;
    private String nameIdFormat;
    private boolean forceAuthn;
    private boolean passive;
    private List<String> requestedAuthnContextClassRefs = List.of();
    private Binding requestBinding = Binding.HTTP_REDIRECT;
    private PrivateKey requestSigningKey;
    private X509Certificate requestSigningCertificate;
    private ClaimMapping claimMapping = ClaimMapping.entraDefaults();
    private KeySource keySource;
    private final List<PrivateKey> decryptionKeys = new ArrayList<>(2);
    private final List<X509Certificate> decryptionCertificates = new ArrayList<>(2);
    private boolean allowInsecureAesCbc;

    private Builder(String id) {
      if (id == null || id.isBlank() || id.length() > 64 || !id.matches("[A-Za-z0-9._~-]+")) {
        throw new IllegalArgumentException(
            "registration id must be 1-64 characters of A-Z a-z 0-9 . _ ~ -: " + id);
      }
      this.id = id;
    }

    /** Entra's <i>Identifier (Entity ID)</i>: any URI or URN, exactly as typed into Entra. */
    public Builder entityId(String entityId) {
      this.entityId = entityId;
      return this;
    }

    /**
     * Entra's <i>Reply URL</i>: https (http only on localhost), typically ending in
     * /saml2/idpresponse.
     */
    public Builder replyUrl(String replyUrl) {
      this.replyUrl = Urls.parse("replyUrl", replyUrl);
      return this;
    }

    /** Entra's <i>Sign on URL</i>. Optional. */
    public Builder signOnUrl(String signOnUrl) {
      this.signOnUrl = Urls.parse("signOnUrl", signOnUrl);
      return this;
    }

    /**
     * Entra's <i>Logout Url</i> (optional): this application's single logout endpoint, e.g. {@code
     * https://app.example/saml2/logout}. With it and an IdP logout URL in the metadata, {@link
     * ServiceProvider#startLogout} sends the user to Entra to sign out there too.
     */
    public Builder logoutUrl(String logoutUrl) {
      this.logoutUrl = Urls.parse("logoutUrl", logoutUrl);
      return this;
    }

    /**
     * INSECURE: process an IdP's LogoutRequest that carries no signature. By default one is refused
     * ({@code logout_unsigned}): an unsigned LogoutRequest lets anyone who knows a user's NameID
     * sign that user out (SAML Profiles §4.4.3.1 asks front-channel logout messages to be signed).
     * Shown by {@code toString()}.
     */
    public Builder acceptUnsignedLogoutRequests(boolean accept) {
      this.acceptUnsignedLogoutRequests = accept;
      return this;
    }

    /**
     * The Issuers accepted on a LogoutResponse instead of the default (the IdP's entity ID, and for
     * an Entra tenant also {@code https://login.microsoftonline.com/<tid>/}).
     */
    public Builder logoutIssuers(String... issuers) {
      if (issuers.length == 0) {
        throw new IllegalArgumentException("logoutIssuers needs at least one issuer");
      }
      this.logoutIssuers = List.of(issuers);
      return this;
    }

    public Builder identityProvider(IdentityProvider identityProvider) {
      this.identityProvider = identityProvider;
      return this;
    }

    /**
     * Where validations look up the trusted signing certificates, instead of the identity
     * provider's fixed set (a metadata source that refreshes itself).
     */
    Builder keySource(KeySource keySource) {
      this.keySource = Objects.requireNonNull(keySource, "keySource");
      return this;
    }

    /**
     * Requests a NameID format, e.g. {@code
     * urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress}. Default: none (Entra decides).
     */
    public Builder nameIdFormat(String nameIdFormat) {
      this.nameIdFormat = nameIdFormat;
      return this;
    }

    /** Asks Entra to re-authenticate the user even with an SSO session. */
    public Builder forceAuthn(boolean forceAuthn) {
      this.forceAuthn = forceAuthn;
      return this;
    }

    /** Asks Entra not to show any UI (fails with a status instead). */
    public Builder passive(boolean passive) {
      this.passive = passive;
      return this;
    }

    /** Requests these AuthnContextClassRefs with Comparison="exact". */
    public Builder requestedAuthnContext(String... classRefs) {
      this.requestedAuthnContextClassRefs = List.of(classRefs);
      return this;
    }

    /** HTTP-Redirect (default) or HTTP-POST for AuthnRequests. */
    public Builder requestBinding(Binding binding) {
      this.requestBinding = Objects.requireNonNull(binding, "binding");
      return this;
    }

    /**
     * Signs AuthnRequests (HTTP-Redirect: {@code SigAlg} + {@code Signature} over the query, with
     * RSA-SHA256). Upload {@code certificate} to Entra ("Verification certificates") or let Entra
     * read it from the SP metadata.
     */
    public Builder requestSigningKey(PrivateKey key, X509Certificate certificate) {
      this.requestSigningKey = Objects.requireNonNull(key, "key");
      this.requestSigningCertificate = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /**
     * Turns on token encryption: EncryptedAssertions are decrypted with {@code key} (RSA, at least
     * 2048 bits, RSA-OAEP key transport), and {@code certificate} is published in SP metadata as
     * {@code use="encryption"}. Import the same certificate in Entra (<i>Single sign-on &gt; Token
     * encryption &gt; Import certificate</i>, then activate it). Call it again to add a second key
     * while rolling over: every key is tried, in the order given. The decrypted Assertion must
     * still be signed by Entra (or the Response signature must cover the EncryptedAssertion).
     *
     * @throws IllegalArgumentException if the key is not RSA, shorter than 2048 bits, does not
     *     belong to the certificate, or was already added
     */
    public Builder decryptionKey(PrivateKey key, X509Certificate certificate) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(certificate, "certificate");
      if (!(key instanceof RSAKey rsa) || !"RSA".equals(key.getAlgorithm())) {
        throw new IllegalArgumentException(
            "decryptionKey must be an RSA private key (Entra encrypts with RSA-OAEP)");
      }
      if (!(certificate.getPublicKey() instanceof RSAPublicKey pub)
          || !pub.getModulus().equals(rsa.getModulus())) {
        throw new IllegalArgumentException(
            "decryptionKey does not belong to the certificate "
                + certificate.getSubjectX500Principal().getName());
      }
      if (pub.getModulus().bitLength() < 2048) {
        throw new IllegalArgumentException(
            "decryptionKey must have at least 2048 bits: " + pub.getModulus().bitLength());
      }
      if (decryptionCertificates.contains(certificate)) {
        throw new IllegalArgumentException(
            "decryption certificate added twice: " + certificate.getSubjectX500Principal());
      }
      decryptionKeys.add(key);
      decryptionCertificates.add(certificate);
      return this;
    }

    /**
     * INSECURE: also accept AES-CBC content encryption from an IdP that is not Entra (AES-CBC is
     * malleable: an attacker who holds a captured ciphertext can probe the SP with altered copies).
     * Entra registrations accept AES-256-CBC without it, because Entra encrypts with AES-256 and
     * offers no choice; for every registration the decrypted Assertion is trusted only once its
     * signature verified, and every failure before that is the same {@code decryption_failed}.
     * Prefer an IdP setting for AES-GCM. Shown by {@code toString()}.
     */
    public Builder allowInsecureAesCbcDecryption(boolean allow) {
      this.allowInsecureAesCbc = allow;
      return this;
    }

    /** Where each Entra claim is read from; default {@link ClaimMapping#entraDefaults()}. */
    public Builder claimMapping(ClaimMapping claimMapping) {
      this.claimMapping = Objects.requireNonNull(claimMapping, "claimMapping");
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the missing, contradictory or invalid setting
     */
    public Registration build() {
      String p = "registration '" + id + "': ";
      if (entityId == null || entityId.isBlank()) {
        throw new IllegalArgumentException(
            p + "entityId is required (Entra's 'Identifier (Entity ID)')");
      }
      if (!entityId.equals(entityId.strip()) || entityId.length() > 1024) {
        throw new IllegalArgumentException(
            p + "entityId must not have surrounding spaces and at most 1024 characters");
      }
      try {
        if (!new URI(entityId).isAbsolute()) {
          throw new IllegalArgumentException(
              p + "entityId must be an absolute URI or URN (Entra requires it): " + entityId);
        }
      } catch (java.net.URISyntaxException e) {
        throw new IllegalArgumentException(p + "entityId is not a valid URI: " + entityId, e);
      }
      if (replyUrl == null) {
        throw new IllegalArgumentException(p + "replyUrl is required (Entra's 'Reply URL')");
      }
      try {
        Urls.requireHttpsOrLoopback("replyUrl", replyUrl);
        if (signOnUrl != null) {
          Urls.requireHttpsOrLoopback("signOnUrl", signOnUrl);
        }
        if (logoutUrl != null) {
          Urls.requireHttpsOrLoopback("logoutUrl", logoutUrl);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(p + e.getMessage(), e);
      }
      if (identityProvider == null) {
        throw new IllegalArgumentException(
            p + "identityProvider is required (Entra's Federation Metadata XML)");
      }
      if (identityProvider.singleSignOnUrl(requestBinding).isEmpty()) {
        throw new IllegalArgumentException(
            p + "the IdP metadata has no single sign-on URL for " + requestBinding);
      }
      if (requestSigningKey != null && requestBinding != Binding.HTTP_REDIRECT) {
        throw new IllegalArgumentException(
            p + "signed AuthnRequests are supported with HTTP_REDIRECT only");
      }
      if (requestSigningKey != null && !"RSA".equals(requestSigningKey.getAlgorithm())) {
        throw new IllegalArgumentException(p + "requestSigningKey must be an RSA private key");
      }
      if (forceAuthn && passive) {
        throw new IllegalArgumentException(p + "forceAuthn and passive contradict each other");
      }
      for (String ref : requestedAuthnContextClassRefs) {
        if (ref == null || ref.isBlank()) {
          throw new IllegalArgumentException(p + "requestedAuthnContext values must not be blank");
        }
      }
      return new Registration(this);
    }
  }
}
