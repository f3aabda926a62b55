package io.cloudsign.saml.core;

import io.cloudsign.saml.core.internal.Certificates;
import io.cloudsign.saml.core.internal.Urls;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Entra tenant as an identity provider: its entity ID ("Microsoft Entra Identifier"), single
 * sign-on URLs, logout URL and <b>all</b> its signing certificates (Entra publishes inactive ones
 * too; every one is tried).
 *
 * <p>Load it from the Federation Metadata XML Entra offers for download ({@link #fromMetadata}),
 * optionally verifying the metadata's own signature against a certificate you pinned ({@link
 * #fromSignedMetadata}), or build it from hand-copied values ({@link #builder()}).
 *
 * <p>Thread-safe. Immutable when read from a file or built by hand; one from {@link
 * FederationMetadataUrl#identityProvider()} trusts the certificates of the latest good copy of the
 * metadata.
 *
 * <pre>{@code
 * IdentityProvider entra = IdentityProvider.fromMetadata(metadataFile); // "CloudSign.xml"
 * }</pre>
 *
 * <p>Security guarantees: only certificates from {@code use="signing"} (or unspecified) key
 * descriptors of the SAML 2.0 {@code IDPSSODescriptor} are kept; WS-Federation role descriptors are
 * ignored. The metadata is parsed without DOCTYPE or external entities. A signing certificate with
 * an RSA key under 2048 bits (EC under 256) is refused, from metadata and from the builder alike: a
 * trusted key that can be factored lets anyone sign as the IdP.
 */
public final class IdentityProvider {
  private final String entityId;
  private final Map<Binding, URI> ssoUrls;
  private final URI sloUrl;
  private final KeySource keySource;

  private IdentityProvider(
      String entityId, Map<Binding, URI> ssoUrls, URI sloUrl, List<X509Certificate> certs) {
    this.entityId = entityId;
    this.ssoUrls = Map.copyOf(ssoUrls);
    this.sloUrl = sloUrl;
    this.keySource = KeySource.fixed(TrustedKeys.of(certs));
  }

  /** {@code first}'s entity ID and URLs, with certificates from {@code keySource} (refreshed). */
  IdentityProvider(IdentityProvider first, KeySource keySource) {
    this.entityId = first.entityId;
    this.ssoUrls = first.ssoUrls;
    this.sloUrl = first.sloUrl;
    this.keySource = keySource;
  }

  /**
   * Reads Entra's Federation Metadata XML (an {@code EntityDescriptor} with an {@code
   * IDPSSODescriptor}); a UTF-8 byte-order mark is allowed. The stream is read fully, not closed.
   *
   * @throws SamlMetadataException if it is not usable metadata; the message says why
   */
  public static IdentityProvider fromMetadata(InputStream metadata) throws SamlMetadataException {
    return MetadataParser.parse(readAll(metadata), null);
  }

  /** As {@link #fromMetadata(InputStream)}, from the XML text. */
  public static IdentityProvider fromMetadata(String metadataXml) throws SamlMetadataException {
    Objects.requireNonNull(metadataXml, "metadataXml");
    return MetadataParser.parse(metadataXml.getBytes(StandardCharsets.UTF_8), null);
  }

  /** As {@link #fromMetadata(InputStream)}, from a file. */
  public static IdentityProvider fromMetadata(Path metadataFile) throws SamlMetadataException {
    return MetadataParser.parse(readFile(metadataFile), null);
  }

  /**
   * Reads the metadata and requires its enveloped signature to verify with {@code trustedSigner}
   * (the bytes are verified as received: reformatting Entra's one-line file breaks its signature).
   *
   * @throws SamlMetadataException if unsigned, badly signed, or not usable metadata
   */
  public static IdentityProvider fromSignedMetadata(
      InputStream metadata, X509Certificate trustedSigner) throws SamlMetadataException {
    Objects.requireNonNull(trustedSigner, "trustedSigner");
    return MetadataParser.parse(readAll(metadata), trustedSigner);
  }

  /** As {@link #fromSignedMetadata(InputStream, X509Certificate)}, from a file. */
  public static IdentityProvider fromSignedMetadata(
      Path metadataFile, X509Certificate trustedSigner) throws SamlMetadataException {
    Objects.requireNonNull(trustedSigner, "trustedSigner");
    return MetadataParser.parse(readFile(metadataFile), trustedSigner);
  }

  private static byte[] readAll(InputStream in) throws SamlMetadataException {
    Objects.requireNonNull(in, "metadata");
    try {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new SamlMetadataException("could not read the federation metadata: " + e, e);
    }
  }

  private static byte[] readFile(Path file) throws SamlMetadataException {
    Objects.requireNonNull(file, "metadataFile");
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SamlMetadataException(
          "could not read the federation metadata file " + file + ": " + e, e);
    }
  }

  /** Smallest RSA signing key trusted (NIST SP 800-131A; Entra's certificates are 2048-bit). */
  static final int MIN_RSA_KEY_BITS = 2048;

  /** Smallest EC signing key trusted. */
  static final int MIN_EC_KEY_BITS = 256;

  /**
   * Why {@code cert}'s key is too weak to trust for signature verification, or {@code null}. A
   * trusted RSA-1024 key is within reach of factoring: whoever factors it signs as the IdP.
   */
  static String weakKeyProblem(X509Certificate cert) {
    PublicKey key = cert.getPublicKey();
    int bits = -1;
    int min = 0;
    if (key instanceof RSAPublicKey rsa) {
      bits = rsa.getModulus().bitLength();
      min = MIN_RSA_KEY_BITS;
    } else if (key instanceof ECPublicKey ec) {
      bits = ec.getParams().getCurve().getField().getFieldSize();
      min = MIN_EC_KEY_BITS;
    }
    if (bits >= min) {
      return null;
    }
    return "signing certificate "
        + cert.getSubjectX500Principal().getName()
        + " (serial "
        + cert.getSerialNumber().toString(16)
        + ") has a "
        + key.getAlgorithm()
        + (bits > 0 ? "-" + bits : "")
        + " key; at least RSA-"
        + MIN_RSA_KEY_BITS
        + " or EC-"
        + MIN_EC_KEY_BITS
        + " is required: create a new SAML signing certificate in Entra (2048-bit) and remove"
        + " the weak one";
  }

  static IdentityProvider of(
      String entityId, Map<Binding, URI> ssoUrls, URI sloUrl, List<X509Certificate> certs) {
    return new IdentityProvider(entityId, ssoUrls, sloUrl, certs);
  }

  /** For values copied by hand from Entra's "Set up &lt;application&gt;" section. */
  public static Builder builder() {
    return new Builder();
  }

  /** The IdP entity ID; the Issuer of every Response and Assertion must equal it. */
  public String entityId() {
    return entityId;
  }

  /** The single sign-on URL for a binding, if the IdP offers that binding. */
  public Optional<URI> singleSignOnUrl(Binding binding) {
    return Optional.ofNullable(ssoUrls.get(binding));
  }

  /** The single logout URL (Entra: HTTP-Redirect), if published. */
  public Optional<URI> singleLogoutUrl() {
    return Optional.ofNullable(sloUrl);
  }

  /** Every signing certificate, in metadata order. Never empty. */
  public List<X509Certificate> signingCertificates() {
    return keySource.current().certificates();
  }

  /** Where validations look up the trusted certificates: fixed for an IdP read once. */
  KeySource keySource() {
    return keySource;
  }

  @Override
  public String toString() {
    return "IdentityProvider{entityId="
        + entityId
        + ", sso="
        + ssoUrls
        + ", certificates="
        + signingCertificates().size()
        + "}";
  }

  /**
   * Builds an {@link IdentityProvider} from values copied by hand: the <i>Microsoft Entra
   * Identifier</i>, the <i>Login URL</i> (used for both bindings), optionally the <i>Logout
   * URL</i>, and the <i>Certificate (Base64)</i> ({@code .cer} contents or PEM).
   */
  public static final class Builder {
    private String entityId;
    private URI loginUrl;
    private URI logoutUrl;
    private final List<X509Certificate> certificates = new ArrayList<>();

    private Builder() {}

    /** Entra's "Microsoft Entra Identifier", e.g. {@code https://sts.windows.net/<tenant>/}. */
    public Builder entityId(String entityId) {
      this.entityId = entityId;
      return this;
    }

    /** Entra's "Login URL", e.g. {@code https://login.microsoftonline.com/<tenant>/saml2}. */
    public Builder loginUrl(String loginUrl) {
      this.loginUrl = Urls.parse("loginUrl", loginUrl);
      return this;
    }

    /** Entra's "Logout URL". Optional. */
    public Builder logoutUrl(String logoutUrl) {
      this.logoutUrl = Urls.parse("logoutUrl", logoutUrl);
      return this;
    }

    /** A signing certificate. Call once per certificate. */
    public Builder certificate(X509Certificate certificate) {
      certificates.add(Objects.requireNonNull(certificate, "certificate"));
      return this;
    }

    /**
     * A signing certificate as Entra's "Certificate (Base64)" download (base64 DER, with or without
     * PEM armour).
     *
     * @throws IllegalArgumentException if it is not an X.509 certificate
     */
    public Builder certificate(String base64OrPem) {
      certificates.add(Certificates.parse(base64OrPem));
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the missing or invalid value
     */
    public IdentityProvider build() {
      if (entityId == null || entityId.isBlank()) {
        throw new IllegalArgumentException(
            "entityId is required: copy Entra's 'Microsoft Entra Identifier'");
      }
      String template = EntraIssuer.templateProblem(entityId);
      if (template != null) {
        throw new IllegalArgumentException(template);
      }
      if (loginUrl == null) {
        throw new IllegalArgumentException("loginUrl is required: copy Entra's 'Login URL'");
      }
      Urls.requireHttpsOrLoopback("loginUrl", loginUrl);
      if (logoutUrl != null) {
        Urls.requireHttpsOrLoopback("logoutUrl", logoutUrl);
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(
            "at least one certificate is required: download Entra's 'Certificate (Base64)'");
      }
      for (X509Certificate c : certificates) {
        String weak = weakKeyProblem(c);
        if (weak != null) {
          throw new IllegalArgumentException(weak);
        }
      }
      Map<Binding, URI> sso = new EnumMap<>(Binding.class);
      sso.put(Binding.HTTP_REDIRECT, loginUrl);
      sso.put(Binding.HTTP_POST, loginUrl);
      return new IdentityProvider(entityId.strip(), sso, logoutUrl, certificates);
    }
  }
}
