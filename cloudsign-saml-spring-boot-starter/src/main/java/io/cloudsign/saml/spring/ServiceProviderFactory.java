package io.cloudsign.saml.spring;

import io.cloudsign.saml.core.Binding;
import io.cloudsign.saml.core.ClaimMapping;
import io.cloudsign.saml.core.EntraClaim;
import io.cloudsign.saml.core.FederationMetadataUrl;
import io.cloudsign.saml.core.IdentityProvider;
import io.cloudsign.saml.core.InMemoryReplayCache;
import io.cloudsign.saml.core.JdbcReplayCache;
import io.cloudsign.saml.core.Registration;
import io.cloudsign.saml.core.ReplayCache;
import io.cloudsign.saml.core.SamlMetadataException;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.spring.CloudsignSamlProperties.RegistrationProperties;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Builds core's {@link ServiceProvider} from {@link CloudsignSamlProperties}, once, at start-up,
 * and before it the {@link CloudsignSamlMetadata} of registrations whose metadata is a URL. Every
 * refusal (a builder's {@link IllegalArgumentException}, unreadable metadata) becomes a {@link
 * CloudsignSamlConfigurationException} naming the property.
 */
final class ServiceProviderFactory {
  static final String PREFIX = "cloudsign.saml.";

  private final ResourceLoader resources;

  ServiceProviderFactory(ResourceLoader resources) {
    this.resources = resources;
  }

  /**
   * Starts a {@link FederationMetadataUrl} for each registration whose metadata is a URL; on a
   * refusal those already started are closed.
   */
  static CloudsignSamlMetadata metadata(CloudsignSamlProperties p, Clock clock) {
    Map<String, FederationMetadataUrl> sources = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, RegistrationProperties> e : p.getRegistrations().entrySet()) {
        String at = PREFIX + "registrations." + e.getKey() + ".";
        RegistrationProperties r = e.getValue();
        if (r.getMetadata() != null && isUrl(r.getMetadata())) {
          sources.put(e.getKey(), metadataUrl(at, r, p, clock));
        } else if (r.getMetadataCacheFile() != null) {
          throw new CloudsignSamlConfigurationException(
              at + "metadata-cache-file",
              "only for an App Federation Metadata Url (metadata: https://…); metadata is "
                  + (r.getMetadata() == null ? "not a URL" : r.getMetadata()),
              null);
        }
      }
    } catch (RuntimeException e) {
      sources.values().forEach(FederationMetadataUrl::close);
      throw e;
    }
    return new CloudsignSamlMetadata(sources);
  }

  private static FederationMetadataUrl metadataUrl(
      String at, RegistrationProperties r, CloudsignSamlProperties p, Clock clock) {
    String url = r.getMetadata().trim();
    FederationMetadataUrl.Builder b =
        check(at + "metadata", () -> FederationMetadataUrl.builder(url));
    if (p.getMetadataRefreshInterval() != null) {
      check(
          PREFIX + "metadata-refresh-interval",
          () -> b.refreshInterval(p.getMetadataRefreshInterval()));
    }
    if (r.getMetadataCacheFile() != null) {
      try {
        b.cacheFile(Path.of(r.getMetadataCacheFile().trim()));
      } catch (InvalidPathException e) {
        throw new CloudsignSamlConfigurationException(
            at + "metadata-cache-file", "not a file path: " + e.getMessage(), e);
      }
    }
    if (clock != null) {
      b.clock(clock);
    }
    try {
      return b.start();
    } catch (SamlMetadataException e) {
      throw new CloudsignSamlConfigurationException(
          at + "metadata",
          "cannot load the App Federation Metadata Url (" + e.getMessage() + ")",
          e);
    }
  }

  private static boolean isUrl(String location) {
    String lower = location.trim().toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  ServiceProvider build(
      CloudsignSamlProperties p,
      Clock clock,
      ReplayCache replayCache,
      DataSource dataSource,
      CloudsignSamlMetadata metadata) {
    if (p.getRegistrations().isEmpty()) {
      throw new CloudsignSamlConfigurationException(
          PREFIX + "registrations",
          "at least one registration is required (identifier, reply-url, metadata)",
          null);
    }
    ServiceProvider.Builder sp = ServiceProvider.builder();
    if (clock != null) {
      sp.clock(clock);
    }
    for (Map.Entry<String, RegistrationProperties> e : p.getRegistrations().entrySet()) {
      Registration r = registration(e.getKey(), e.getValue(), metadata);
      check(PREFIX + "registrations." + e.getKey(), () -> sp.registration(r));
    }
    if (p.getClockSkew() != null) {
      check(PREFIX + "clock-skew", () -> sp.clockSkew(p.getClockSkew()));
    }
    ReplayCache cache = replayCache != null ? replayCache : replayStore(p, dataSource, clock);
    if (cache != null) {
      sp.replayCache(cache);
    }
    return check(PREFIX.substring(0, PREFIX.length() - 1), sp::build, SERVICE_SETTINGS);
  }

  private static ReplayCache replayStore(
      CloudsignSamlProperties p, DataSource dataSource, Clock clock) {
    if (p.getReplayStore() != CloudsignSamlProperties.ReplayStore.JDBC) {
      return clock == null
          ? null
          : new InMemoryReplayCache(InMemoryReplayCache.DEFAULT_CAPACITY, clock);
    }
    if (dataSource == null) {
      throw new CloudsignSamlConfigurationException(
          PREFIX + "replay-store", "jdbc needs a DataSource bean; none is defined", null);
    }
    String table = p.getReplayTable() == null ? JdbcReplayCache.DEFAULT_TABLE : p.getReplayTable();
    return check(
        PREFIX + "replay-table",
        () -> new JdbcReplayCache(dataSource, table, clock == null ? Clock.systemUTC() : clock));
  }

  private Registration registration(
      String id, RegistrationProperties r, CloudsignSamlMetadata metadata) {
    String at = PREFIX + "registrations." + id + ".";
    Registration.Builder b =
        check(at.substring(0, at.length() - 1), () -> Registration.builder(id));
    if (r.getIdentifier() != null) {
      check(at + "identifier", () -> b.entityId(r.getIdentifier()));
    }
    if (r.getReplyUrl() != null) {
      check(at + "reply-url", () -> b.replyUrl(r.getReplyUrl()));
    }
    if (r.getSignOnUrl() != null) {
      check(at + "sign-on-url", () -> b.signOnUrl(r.getSignOnUrl()));
    }
    if (r.getSpLogoutUrl() != null) {
      check(at + "sp-logout-url", () -> b.logoutUrl(r.getSpLogoutUrl()), LOGOUT_URL_FIELD);
    }
    b.identityProvider(identityProvider(id, at, r, metadata));
    if (r.getNameIdFormat() != null) {
      check(at + "name-id-format", () -> b.nameIdFormat(r.getNameIdFormat()));
    }
    b.forceAuthn(r.isForceAuthn());
    if (r.getRequestBinding() != null) {
      b.requestBinding(binding(at + "request-binding", r.getRequestBinding()));
    }
    if (r.getSigningKey() != null || r.getSigningCertificate() != null) {
      if (r.getSigningKey() == null || r.getSigningCertificate() == null) {
        throw new CloudsignSamlConfigurationException(
            at + "signing-key", "signing-key and signing-certificate go together", null);
      }
      PrivateKey key = privateKey(at + "signing-key", read(at + "signing-key", r.getSigningKey()));
      X509Certificate cert =
          certificate(
              at + "signing-certificate",
              read(at + "signing-certificate", r.getSigningCertificate()));
      check(at + "signing-key", () -> b.requestSigningKey(key, cert));
    }
    if (r.getDecryptionKey() != null || r.getDecryptionCertificate() != null) {
      if (r.getDecryptionKey() == null || r.getDecryptionCertificate() == null) {
        throw new CloudsignSamlConfigurationException(
            at + "decryption-key", "decryption-key and decryption-certificate go together", null);
      }
      PrivateKey key =
          privateKey(at + "decryption-key", read(at + "decryption-key", r.getDecryptionKey()));
      X509Certificate cert =
          certificate(
              at + "decryption-certificate",
              read(at + "decryption-certificate", r.getDecryptionCertificate()));
      check(at + "decryption-key", () -> b.decryptionKey(key, cert));
    }
    if (!r.getClaims().isEmpty()) {
      b.claimMapping(claims(at + "claims", r.getClaims()));
    }
    try {
      return check(at.substring(0, at.length() - 1), b::build, REGISTRATION_SETTINGS);
    } catch (CloudsignSamlConfigurationException e) {
      if (e.property().endsWith(".sp-logout-url")) {
        throw new CloudsignSamlConfigurationException(
            e.property(), e.problem() + LOGOUT_URL_FIELD, e.getCause());
      }
      throw e;
    }
  }

  /** Builder setting names as core's messages spell them, and the property each one is. */
  private static final String[][] REGISTRATION_SETTINGS = {
    {"replyUrl", "reply-url"},
    {"signOnUrl", "sign-on-url"},
    {"logoutUrl", "sp-logout-url"},
    {"entityId", "identifier"},
    {"nameIdFormat", "name-id-format"},
    {"requestBinding", "request-binding"},
    {"identityProvider", "metadata"},
  };

  /** Where an admin finds {@code sp-logout-url} in Entra, added to core's message. */
  static final String LOGOUT_URL_FIELD =
      " (Entra: Basic SAML Configuration > Logout Url (Optional), this application's address)";

  private static final String[][] SERVICE_SETTINGS = {
    {"clockSkew", "clock-skew"},
    {"replayCache", "replay-store"},
  };

  private IdentityProvider identityProvider(
      String id, String at, RegistrationProperties r, CloudsignSamlMetadata metadata) {
    boolean manual =
        r.getIdpEntityId() != null || r.getLoginUrl() != null || r.getCertificate() != null;
    if (r.getMetadata() != null && manual) {
      throw new CloudsignSamlConfigurationException(
          at + "metadata", "give metadata or idp-entity-id/login-url/certificate, not both", null);
    }
    if (r.getMetadata() != null) {
      String location = r.getMetadata().trim();
      if (isUrl(location)) {
        return metadata
            .source(id)
            .orElseThrow(
                () ->
                    new CloudsignSamlConfigurationException(
                        at + "metadata", "the App Federation Metadata Url was not started", null))
            .identityProvider();
      }
      byte[] xml = read(at + "metadata", location);
      try {
        return IdentityProvider.fromMetadata(new ByteArrayInputStream(xml));
      } catch (SamlMetadataException | RuntimeException e) {
        throw new CloudsignSamlConfigurationException(
            at + "metadata", "not usable Federation Metadata XML (" + e.getMessage() + ")", e);
      }
    }
    if (!manual) {
      throw new CloudsignSamlConfigurationException(
          at + "metadata",
          "required: Entra's Federation Metadata XML (or idp-entity-id, login-url and"
              + " certificate)",
          null);
    }
    IdentityProvider.Builder idp = IdentityProvider.builder();
    if (r.getIdpEntityId() != null) {
      check(at + "idp-entity-id", () -> idp.entityId(r.getIdpEntityId()));
    }
    if (r.getLoginUrl() != null) {
      check(at + "login-url", () -> idp.loginUrl(r.getLoginUrl()));
    }
    if (r.getLogoutUrl() != null) {
      check(at + "logout-url", () -> idp.logoutUrl(r.getLogoutUrl()));
    }
    if (r.getCertificate() != null) {
      String c = r.getCertificate().trim();
      String value =
          c.startsWith("-----") || c.matches("[A-Za-z0-9+/=\\s]{64,}")
              ? c
              : new String(read(at + "certificate", c), StandardCharsets.US_ASCII);
      check(at + "certificate", () -> idp.certificate(value));
    }
    return check(at + "idp-entity-id", idp::build);
  }

  private static Binding binding(String property, String value) {
    String v = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return Binding.valueOf(v);
    } catch (IllegalArgumentException e) {
      throw new CloudsignSamlConfigurationException(
          property, "must be http-redirect or http-post: " + value, e);
    }
  }

  private static ClaimMapping claims(String property, Map<String, String> claims) {
    ClaimMapping m = ClaimMapping.entraDefaults();
    for (Map.Entry<String, String> e : claims.entrySet()) {
      String name = e.getKey().trim().toUpperCase(Locale.ROOT).replace('-', '_');
      EntraClaim claim;
      try {
        claim = EntraClaim.valueOf(name);
      } catch (IllegalArgumentException ex) {
        throw new CloudsignSamlConfigurationException(
            property + "." + e.getKey(),
            "unknown claim; one of " + java.util.Arrays.toString(EntraClaim.values()),
            ex);
      }
      ClaimMapping before = m;
      m = check(property + "." + e.getKey(), () -> before.with(claim, e.getValue()));
    }
    return m;
  }

  private byte[] read(String property, String location) {
    // classpath: and file: (and other Spring prefixes) as Spring reads them; a bare path is a file,
    // never a resource of the web application.
    Resource resource =
        location.matches("[A-Za-z][A-Za-z0-9+.-]*:.*") && !location.matches("[A-Za-z]:[\\\\/].*")
            ? resources.getResource(location)
            : new FileSystemResource(location);
    try (InputStream in = resource.getInputStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new CloudsignSamlConfigurationException(
          property, "cannot read " + location + " (" + e.getMessage() + ")", e);
    }
  }

  private static PrivateKey privateKey(String property, byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new CloudsignSamlConfigurationException(
          property, "must be a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)", null);
    }
    String b64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    for (String algorithm : new String[] {"RSA", "EC"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (java.security.GeneralSecurityException tryNext) {
        // not this algorithm
      }
    }
    throw new CloudsignSamlConfigurationException(property, "not an RSA or EC private key", null);
  }

  private static X509Certificate certificate(String property, byte[] pem) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pem));
    } catch (java.security.GeneralSecurityException e) {
      throw new CloudsignSamlConfigurationException(
          property, "not an X.509 certificate (" + e.getMessage() + ")", e);
    }
  }

  private interface Step<T> {
    T run();
  }

  /** As {@link #check(String, Step)}; names the property when the message names its setting. */
  private static <T> T check(String prefix, Step<T> step, String[][] settings) {
    try {
      return step.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      String message = String.valueOf(e.getMessage());
      String property = prefix;
      for (String[] s : settings) {
        if (message.contains(s[0])) {
          property = prefix + "." + s[1];
          break;
        }
      }
      throw new CloudsignSamlConfigurationException(property, message, e);
    }
  }

  private static <T> T check(String property, Step<T> step) {
    return check(property, step, "");
  }

  /** As {@link #check(String, Step)}, with {@code where} (e.g. Entra's field) after the message. */
  private static <T> T check(String property, Step<T> step, String where) {
    try {
      return step.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CloudsignSamlConfigurationException(
          property, String.valueOf(e.getMessage()) + where, e);
    }
  }
}
