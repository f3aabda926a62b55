package io.cloudsign.saml.testkit;

import io.cloudsign.saml.testkit.internal.Certificates;
import io.cloudsign.saml.testkit.internal.SigningKey;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A fake Microsoft Entra ID tenant acting as SAML 2.0 identity provider, for tests.
 *
 * <p>It publishes Federation Metadata XML in Entra's exact shape, decodes the AuthnRequests an SP
 * sends (HTTP-Redirect or HTTP-POST) and answers with Responses shaped byte for byte like Entra's
 * (see {@link ResponseBuilder}), genuine by default and hostile through explicit {@link Attack}
 * values. It shares no code with cloudsign-saml-core, so it cannot hide the validator's bugs.
 *
 * <p>Defaults: a random tenant id; one generated RSA-2048 signing certificate ({@code CN=Microsoft
 * Azure Federated SSO Certificate}, SHA256withRSA, 3 years); entity ID {@code
 * https://sts.windows.net/<tenant>/}; SSO and SLO URL {@code
 * https://login.microsoftonline.com/<tenant>/saml2}; {@link Clock#systemUTC()}; one user, {@link
 * TestUser#bSimon()}.
 *
 * <p>Single logout, SP-initiated: {@link #parseLogoutRedirect} decodes the SP's LogoutRequest and
 * {@link #logoutResponseTo} answers it as Entra does, by HTTP-Redirect to the application's Logout
 * Url. IdP-initiated: {@link #logoutRequest} is the LogoutRequest Entra sends to the Logout Url
 * when the user signs out elsewhere, and {@link #parseLogoutResponseRedirect} decodes the SP's
 * answer.
 *
 * <p>Thread-safe and immutable once built; every Response gets fresh IDs.
 *
 * <p><b>Security guarantees.</b> Incoming AuthnRequests, LogoutRequests and LogoutResponses are
 * parsed without DOCTYPE or external entities, and redirect payloads inflate to at most 512 KiB.
 * Keys are generated per instance (never shared between fakes); the attacker keys of {@link
 * Attack}s are separate keys.
 *
 * <p>With cloudsign-saml-core as the SP under test, the redirect URL below is {@code
 * sp.startSignIn(registrationId, relayState).redirectUrl().toString()}.
 *
 * <pre>{@code
 * FakeEntra entra = FakeEntra.builder().clock(clock).signingCertificateCount(2).build();
 * String metadataXml = entra.metadataXml(); // configure the SP under test with it
 * AuthnRequestInfo req = entra.parseRedirect(redirectUrl); // where the SP sends the browser
 * String samlResponse = entra.respondTo(req).build(); // the SAMLResponse form value
 * }</pre>
 */
public final class FakeEntra {
  private final String tenantId;
  private final Clock clock;
  private final List<X509Certificate> certificates;
  private final List<SigningKey> keys;
  private final SigningKey activeKey;
  private final String ssoUrl;
  private final String sloUrl;
  private final List<TestUser> users;
  private final Map<String, List<String>> applications;
  private final Map<String, String> logoutUrls;
  private final String metadataId;
  private final String signedMetadata;
  private final String signedMetadataReformatted;
  private final List<X509Certificate> requestVerificationCertificates;
  private final X509Certificate tokenEncryptionCertificate;

  private FakeEntra(Builder b) {
    this.tenantId = b.tenantId != null ? b.tenantId : UUID.randomUUID().toString();
    this.clock = b.clock;
    this.ssoUrl =
        b.ssoUrl != null ? b.ssoUrl : "https://login.microsoftonline.com/" + tenantId + "/saml2";
    this.sloUrl = b.sloUrl != null ? b.sloUrl : ssoUrl;
    List<SigningKey> generated = new ArrayList<>();
    for (int i = 0; i < b.certificateCount; i++) {
      generated.add(
          i == b.activeIndex && b.givenKey != null
              ? b.givenKey
              : Certificates.generate(Certificates.ENTRA_SUBJECT, clock.instant()));
    }
    this.keys = List.copyOf(generated);
    this.certificates = keys.stream().map(SigningKey::certificate).toList();
    this.activeKey = keys.get(b.activeIndex);
    this.users = List.copyOf(b.users.isEmpty() ? List.of(TestUser.bSimon()) : b.users);
    Map<String, List<String>> apps = new LinkedHashMap<>();
    b.applications.forEach((k, v) -> apps.put(k, List.copyOf(v)));
    this.applications = Collections.unmodifiableMap(apps);
    this.logoutUrls = Map.copyOf(b.logoutUrls);
    this.requestVerificationCertificates = List.copyOf(b.requestVerificationCertificates);
    this.tokenEncryptionCertificate = b.tokenEncryptionCertificate;
    this.metadataId = "_" + UUID.randomUUID();
    this.signedMetadata = FederationMetadata.body(this, true, false);
    this.signedMetadataReformatted = FederationMetadata.body(this, true, true);
  }

  /** The same tenant with other published keys, {@code active} signing (a certificate rollover). */
  private FakeEntra(FakeEntra base, List<SigningKey> keys, SigningKey active) {
    this.tenantId = base.tenantId;
    this.clock = base.clock;
    this.ssoUrl = base.ssoUrl;
    this.sloUrl = base.sloUrl;
    this.keys = List.copyOf(keys);
    this.certificates = this.keys.stream().map(SigningKey::certificate).toList();
    this.activeKey = active;
    this.users = base.users;
    this.applications = base.applications;
    this.logoutUrls = base.logoutUrls;
    this.requestVerificationCertificates = base.requestVerificationCertificates;
    this.tokenEncryptionCertificate = base.tokenEncryptionCertificate;
    this.metadataId = "_" + UUID.randomUUID();
    this.signedMetadata = FederationMetadata.body(this, true, false);
    this.signedMetadataReformatted = FederationMetadata.body(this, true, true);
  }

  /** This tenant publishing {@code keys} and signing with {@code active} (one of them). */
  FakeEntra rekeyed(List<SigningKey> keys, SigningKey active) {
    if (!keys.contains(active)) {
      throw new IllegalArgumentException("the active key must be published");
    }
    return new FakeEntra(this, keys, active);
  }

  List<SigningKey> keys() {
    return keys;
  }

  /** The certificate of Entra's <i>Token encryption</i> setting, if it is on. */
  public Optional<X509Certificate> tokenEncryptionCertificate() {
    return Optional.ofNullable(tokenEncryptionCertificate);
  }

  /**
   * The certificates of Entra's <i>Require verification certificates</i> setting: when not empty,
   * {@link FakeEntraServer} accepts only HTTP-Redirect AuthnRequests signed with RSA-SHA256 over
   * the raw query by one of their keys (AADSTS76021 otherwise).
   */
  public List<X509Certificate> requestVerificationCertificates() {
    return requestVerificationCertificates;
  }

  /** A fake with all defaults. */
  public static FakeEntra create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The tenant id (a GUID). */
  public String tenantId() {
    return tenantId;
  }

  /** Entra's "Microsoft Entra Identifier": {@code https://sts.windows.net/<tenant>/}. */
  public String entityId() {
    return "https://sts.windows.net/" + tenantId + "/";
  }

  /** Entra's "Login URL", where SPs send AuthnRequests (Redirect and POST). */
  public String ssoUrl() {
    return ssoUrl;
  }

  /**
   * Entra's "Logout URL", where SPs send LogoutRequests (HTTP-Redirect only); by default the same
   * as {@link #ssoUrl()}. Not the application's Logout Url ({@link Builder#logoutUrl}), where Entra
   * answers.
   */
  public String sloUrl() {
    return sloUrl;
  }

  /**
   * The {@code Issuer} of Entra's LogoutResponses: {@code
   * https://login.microsoftonline.com/<tenant>/}, not the sign-in issuer {@link #entityId()}.
   */
  public String logoutIssuer() {
    return "https://login.microsoftonline.com/" + tenantId + "/";
  }

  /** The clock Responses are timed by. */
  public Clock clock() {
    return clock;
  }

  /** The certificate that signs Responses and metadata (the "active" one). */
  public X509Certificate signingCertificate() {
    return activeKey.certificate();
  }

  /** Every published signing certificate, in metadata order (inactive ones included). */
  public List<X509Certificate> signingCertificates() {
    return certificates;
  }

  /**
   * The active certificate as Entra's "Certificate (Base64)" download: PEM armour around one line
   * of base64, CRLF line ends.
   */
  public String certificateBase64() {
    return "-----BEGIN CERTIFICATE-----\r\n"
        + Certificates.base64(signingCertificate())
        + "\r\n-----END CERTIFICATE-----\r\n";
  }

  /** The Federation Metadata XML as Entra serves it (signed, one line, XML declaration, no BOM). */
  public String metadataXml() {
    return metadata().xml();
  }

  /** The Federation Metadata, with methods for its variants (BOM, unsigned, …). */
  public FederationMetadata metadata() {
    return FederationMetadata.of(this);
  }

  /** The users the HTTP login page offers; the first is the default user of Responses. */
  public List<TestUser> users() {
    return users;
  }

  /** Registered applications: Identifier → Reply URLs (empty when none were registered). */
  public Map<String, List<String>> applications() {
    return applications;
  }

  /**
   * Decodes an HTTP-Redirect AuthnRequest.
   *
   * @param redirectUrl the full URL the SP redirected to, or just its query string
   * @throws IllegalArgumentException if it has no SAMLRequest, is not base64 raw DEFLATE, inflates
   *     beyond 512 KiB, has a DOCTYPE, or is not an AuthnRequest with ID, Version, IssueInstant and
   *     Issuer
   */
  public AuthnRequestInfo parseRedirect(String redirectUrl) {
    return AuthnRequestInfo.fromRedirect(redirectUrl);
  }

  /**
   * Decodes an HTTP-POST AuthnRequest (the {@code SAMLRequest} form field, base64, not deflated).
   *
   * @throws IllegalArgumentException as {@link #parseRedirect}
   */
  public AuthnRequestInfo parsePost(String samlRequestBase64, String relayStateOrNull) {
    return AuthnRequestInfo.fromPost(samlRequestBase64, relayStateOrNull);
  }

  /**
   * A Response answering {@code request} as Entra would: InResponseTo = its ID, Destination and
   * Recipient = its AssertionConsumerServiceURL (or, if it has none, the first Reply URL registered
   * for its Issuer), Audience = its Issuer (prefixed {@code spn:} when the Issuer is not a URI, as
   * Entra does).
   *
   * @throws IllegalArgumentException if no ACS URL can be determined
   */
  public ResponseBuilder respondTo(AuthnRequestInfo request) {
    Objects.requireNonNull(request, "request");
    String acs = request.assertionConsumerServiceUrl();
    if (acs == null) {
      List<String> replyUrls = applications.getOrDefault(request.issuer(), List.of());
      if (replyUrls.isEmpty()) {
        throw new IllegalArgumentException(
            "AuthnRequest has no AssertionConsumerServiceURL and no application with Identifier "
                + request.issuer()
                + " is registered: use FakeEntra.builder().application(identifier, replyUrl)");
      }
      acs = replyUrls.get(0);
    }
    return response()
        .inResponseTo(request.id())
        .destination(acs)
        .recipient(acs)
        .audience(audienceFor(request.issuer()));
  }

  /**
   * Decodes an SP's HTTP-Redirect LogoutRequest (SP-initiated single logout; Entra accepts no other
   * binding for it).
   *
   * @param redirectUrl the full URL the SP redirected to, or just its query string
   * @throws IllegalArgumentException if it has no SAMLRequest, is not base64 raw DEFLATE, inflates
   *     beyond 512 KiB, has a DOCTYPE, or is not a samlp:LogoutRequest with ID, Version,
   *     IssueInstant, one Issuer and one NameID
   */
  public LogoutRequestInfo parseLogoutRedirect(String redirectUrl) {
    return LogoutRequestInfo.fromRedirect(redirectUrl);
  }

  /**
   * Entra's answer to {@code request}: a LogoutResponse to the Logout Url of the application whose
   * Identifier is the request's Issuer ({@link Builder#logoutUrl}), in Entra's shape (see {@link
   * LogoutResponseBuilder}).
   */
  public LogoutResponseBuilder logoutResponseTo(LogoutRequestInfo request) {
    return new LogoutResponseBuilder(this, Objects.requireNonNull(request, "request"));
  }

  /**
   * The LogoutRequest Entra sends to the application whose Identifier is {@code spIdentifier} when
   * the user signs out of another application (IdP-initiated single logout): by HTTP-Redirect to
   * its Logout Url ({@link Builder#logoutUrl}), for {@code nameId}, in Entra's shape (see {@link
   * IdpLogoutRequestBuilder}).
   *
   * @throws IllegalArgumentException if no Logout Url is configured for {@code spIdentifier}
   */
  public IdpLogoutRequestBuilder logoutRequest(String spIdentifier, String nameId) {
    return new IdpLogoutRequestBuilder(this, spIdentifier, nameId);
  }

  /**
   * Decodes an SP's HTTP-Redirect LogoutResponse: its answer to {@link #logoutRequest}.
   *
   * @param redirectUrl the full URL the SP redirected to, or just its query string
   * @throws IllegalArgumentException if it has no SAMLResponse, is not base64 raw DEFLATE, inflates
   *     beyond 512 KiB, has a DOCTYPE, or is not a samlp:LogoutResponse with ID, Version,
   *     IssueInstant, one Issuer and a StatusCode
   */
  public LogoutResponseInfo parseLogoutResponseRedirect(String redirectUrl) {
    return LogoutResponseInfo.fromRedirect(redirectUrl);
  }

  /** A Response with nothing preset: set audience, destination and InResponseTo yourself. */
  public ResponseBuilder response() {
    return new ResponseBuilder(this);
  }

  /**
   * Entra's Audience for an Issuer: the Issuer itself if it is an absolute URI, else spn:Issuer.
   */
  static String audienceFor(String issuer) {
    try {
      return new URI(issuer).isAbsolute() ? issuer : "spn:" + issuer;
    } catch (URISyntaxException e) {
      return "spn:" + issuer;
    }
  }

  Optional<List<String>> replyUrlsOf(String identifier) {
    return Optional.ofNullable(applications.get(identifier));
  }

  Optional<String> logoutUrlOf(String identifier) {
    return Optional.ofNullable(logoutUrls.get(identifier));
  }

  SigningKey activeKey() {
    return activeKey;
  }

  String metadataId() {
    return metadataId;
  }

  String metadataBody(boolean signed, boolean reformatted) {
    if (signed) {
      return reformatted ? signedMetadataReformatted : signedMetadata;
    }
    return FederationMetadata.body(this, false, reformatted);
  }

  String wsFedUrl() {
    return ssoUrl.endsWith("/saml2")
        ? ssoUrl.substring(0, ssoUrl.length() - "saml2".length()) + "wsfed"
        : "https://login.microsoftonline.com/" + tenantId + "/wsfed";
  }

  @Override
  public String toString() {
    return "FakeEntra["
        + entityId()
        + ", ssoUrl="
        + ssoUrl
        + ", certificates="
        + certificates.size()
        + "]";
  }

  /**
   * Configures a {@link FakeEntra}. Not thread-safe. {@link #build()} generates the keys (about 0.1
   * s per certificate) and rejects inconsistent settings.
   */
  public static final class Builder {
    private String tenantId;
    private Clock clock = Clock.systemUTC();
    private int certificateCount = 1;
    private int activeIndex;
    private SigningKey givenKey;
    private String ssoUrl;
    private String sloUrl;
    private final List<TestUser> users = new ArrayList<>();
    private final Map<String, List<String>> applications = new LinkedHashMap<>();
    private final Map<String, String> logoutUrls = new LinkedHashMap<>();
    private final List<X509Certificate> requestVerificationCertificates = new ArrayList<>();
    private X509Certificate tokenEncryptionCertificate;

    private Builder() {}

    /**
     * Entra's <i>Token encryption</i> with {@code certificate} imported and active: every Response
     * from {@link FakeEntra#respondTo} (and so from {@link FakeEntraServer}) carries the signed
     * Assertion encrypted to it, as {@link ResponseBuilder#encryptedAssertion(X509Certificate)}.
     */
    public Builder tokenEncryption(X509Certificate certificate) {
      this.tokenEncryptionCertificate = Objects.requireNonNull(certificate, "certificate");
      return this;
    }

    /**
     * Entra's <i>SAML Certificates &gt; Verification certificates &gt; Require verification
     * certificates</i>: {@link FakeEntraServer} then accepts only AuthnRequests sent with the
     * HTTP-Redirect binding and signed with RSA-SHA256 ({@code SigAlg}, {@code Signature}) over the
     * query bytes exactly as sent, by the key of {@code certificate} (call again to upload
     * several); an unsigned or badly signed request gets Entra's AADSTS76021 error page.
     */
    public Builder requireSignedRequests(X509Certificate certificate) {
      requestVerificationCertificates.add(Objects.requireNonNull(certificate, "certificate"));
      return this;
    }

    String tenantIdOrNull() {
      return tenantId;
    }

    /** The tenant id, a GUID (default: random). */
    public Builder tenantId(String tenantId) {
      Objects.requireNonNull(tenantId, "tenantId");
      try {
        if (!UUID.fromString(tenantId).toString().equalsIgnoreCase(tenantId)) {
          throw new IllegalArgumentException();
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "tenantId must be a GUID like 72f988bf-86f1-41af-91ab-2d7cd011db47: " + tenantId);
      }
      this.tenantId = tenantId;
      return this;
    }

    /** The clock Responses are timed by (default {@link Clock#systemUTC()}). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How many signing certificates the metadata publishes (1–10, default 1). */
    public Builder signingCertificateCount(int count) {
      if (count < 1 || count > 10) {
        throw new IllegalArgumentException("signingCertificateCount must be 1..10: " + count);
      }
      this.certificateCount = count;
      return this;
    }

    /** Which of them signs (0-based, default 0). */
    public Builder activeCertificateIndex(int index) {
      if (index < 0) {
        throw new IllegalArgumentException("activeCertificateIndex must be >= 0: " + index);
      }
      this.activeIndex = index;
      return this;
    }

    /**
     * Signs with this RSA key and publishes this certificate as the active one instead of a
     * generated pair.
     *
     * @throws IllegalArgumentException if the key is not RSA or does not match the certificate
     */
    public Builder signingKey(PrivateKey privateKey, X509Certificate certificate) {
      Objects.requireNonNull(privateKey, "privateKey");
      Objects.requireNonNull(certificate, "certificate");
      if (!"RSA".equals(privateKey.getAlgorithm())) {
        throw new IllegalArgumentException(
            "signingKey must be an RSA key (Entra signs with RSA): " + privateKey.getAlgorithm());
      }
      try {
        byte[] probe = "cloudsign-saml-testkit".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(privateKey);
        s.update(probe);
        byte[] sig = s.sign();
        s.initVerify(certificate.getPublicKey());
        s.update(probe);
        if (!s.verify(sig)) {
          throw new IllegalArgumentException(
              "signingKey's private key does not belong to the certificate "
                  + certificate.getSubjectX500Principal());
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("signingKey unusable: " + e.getMessage(), e);
      }
      this.givenKey = new SigningKey(privateKey, certificate);
      return this;
    }

    /** The Login URL (default {@code https://login.microsoftonline.com/<tenant>/saml2}). */
    public Builder ssoUrl(String url) {
      this.ssoUrl = requireHttpUrl(url, "ssoUrl");
      return this;
    }

    /** The Logout URL (default: the SSO URL, as Entra). */
    public Builder sloUrl(String url) {
      this.sloUrl = requireHttpUrl(url, "sloUrl");
      return this;
    }

    /** Adds a user to the login page; the first user is the default user of Responses. */
    public Builder user(TestUser user) {
      users.add(Objects.requireNonNull(user, "user"));
      return this;
    }

    /**
     * Registers an enterprise application: its Identifier (Entity ID) and Reply URLs. The HTTP mode
     * only answers requests whose Issuer and ACS URL match a registration (AADSTS700016,
     * AADSTS50011 otherwise), once any is registered.
     */
    public Builder application(String identifier, String... replyUrls) {
      Objects.requireNonNull(identifier, "identifier");
      if (identifier.isBlank()) {
        throw new IllegalArgumentException("application identifier must not be blank");
      }
      if (replyUrls.length == 0) {
        throw new IllegalArgumentException("application " + identifier + " needs a Reply URL");
      }
      List<String> urls = new ArrayList<>();
      for (String u : replyUrls) {
        urls.add(requireHttpUrl(u, "replyUrl"));
      }
      applications.put(identifier, urls);
      return this;
    }

    /**
     * The application's <i>Logout Url</i> (Basic SAML Configuration): where Entra sends its
     * LogoutResponse, by HTTP-Redirect, after an SP-initiated logout. Register the application with
     * {@link #application} too; without a Logout Url, {@link FakeEntraServer} answers a
     * LogoutRequest of that application with an error page, as Entra does.
     *
     * @throws IllegalArgumentException if {@code logoutUrl} is not an absolute http(s) URL
     */
    public Builder logoutUrl(String identifier, String logoutUrl) {
      Objects.requireNonNull(identifier, "identifier");
      logoutUrls.put(identifier, requireHttpUrl(logoutUrl, "logoutUrl"));
      return this;
    }

    /**
     * @throws IllegalStateException if activeCertificateIndex is not below signingCertificateCount,
     *     or a Logout Url is set for an Identifier no {@link #application} registers
     */
    public FakeEntra build() {
      if (activeIndex >= certificateCount) {
        throw new IllegalStateException(
            "activeCertificateIndex "
                + activeIndex
                + " must be below signingCertificateCount "
                + certificateCount);
      }
      for (String identifier : logoutUrls.keySet()) {
        if (!applications.containsKey(identifier)) {
          throw new IllegalStateException(
              "logoutUrl is set for "
                  + identifier
                  + " but no such application is registered: add application(\""
                  + identifier
                  + "\", replyUrl)");
        }
      }
      return new FakeEntra(this);
    }

    static String requireHttpUrl(String url, String what) {
      Objects.requireNonNull(url, what);
      try {
        URI u = new URI(url);
        if (u.isAbsolute()
            && u.getHost() != null
            && ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))) {
          return url;
        }
      } catch (URISyntaxException e) {
        // fall through
      }
      throw new IllegalArgumentException(what + " must be an absolute http(s) URL: " + url);
    }
  }
}
