package io.cloudsign.saml.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.core.ErrorCode;
import io.cloudsign.saml.core.SamlValidationException;
import io.cloudsign.saml.core.ServiceProvider;
import io.cloudsign.saml.core.SignInRequest;
import io.cloudsign.saml.core.VerifiedAssertion;
import io.cloudsign.saml.testkit.AuthnRequestInfo;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.FakeEntraServer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Invalid {@code cloudsign.saml.*} values stop the start-up, naming the property. */
class PropertiesValidationTest {
  static final String R = "cloudsign.saml.registrations.acme.";

  @TempDir static Path dir;

  private static ApplicationContextRunner runner() throws Exception {
    Path metadata = dir.resolve("entra.xml");
    if (!Files.exists(metadata)) {
      Files.writeString(metadata, FakeEntra.create().metadataXml());
    }
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CloudsignSamlAutoConfiguration.class))
        .withPropertyValues(
            R + "identifier=urn:amazon:cognito:sp:ap-northeast-1_ACME",
            R
                + "reply-url=https://cloudsign-acme.auth.ap-northeast-1.amazoncognito.com/saml2/idpresponse",
            R + "sign-on-url=https://www.cloudsign.jp/login",
            R + "metadata=" + metadata);
  }

  private static CloudsignSamlConfigurationException failure(String... properties)
      throws Exception {
    Throwable[] seen = new Throwable[1];
    runner().withPropertyValues(properties).run(c -> seen[0] = c.getStartupFailure());
    Throwable t = seen[0];
    while (t != null && !(t instanceof CloudsignSamlConfigurationException)) {
      t = t.getCause();
    }
    assertThat(t).as("start-up failure").isNotNull();
    return (CloudsignSamlConfigurationException) t;
  }

  @Test
  void validPropertiesBuildTheServiceProvider() throws Exception {
    runner()
        .run(
            c -> {
              assertThat(c).hasNotFailed();
              ServiceProvider sp = c.getBean(ServiceProvider.class);
              assertThat(sp.registration("acme").orElseThrow().entityId())
                  .isEqualTo("urn:amazon:cognito:sp:ap-northeast-1_ACME");
            });
  }

  @Test
  void replyUrlOverPlainHttpIsRefusedNamingTheProperty() throws Exception {
    CloudsignSamlConfigurationException e =
        failure(R + "reply-url=http://cloudsign.example/saml2/idpresponse");
    assertThat(e.property()).isEqualTo(R + "reply-url");
    assertThat(e.problem()).contains("https");
  }

  @Test
  void spLogoutUrlOverPlainHttpIsRefusedNamingThePropertyAndEntrasField() throws Exception {
    CloudsignSamlConfigurationException e =
        failure(R + "sp-logout-url=http://cloudsign.example/saml2/logout");
    assertThat(e.property()).isEqualTo(R + "sp-logout-url");
    assertThat(e.problem()).contains("https").contains("Logout Url (Optional)");
  }

  @Test
  void spLogoutUrlThatIsNoUrlIsRefusedNamingTheProperty() throws Exception {
    CloudsignSamlConfigurationException e = failure(R + "sp-logout-url=not a url");
    assertThat(e.property()).isEqualTo(R + "sp-logout-url");
    assertThat(e.problem()).contains("Logout Url (Optional)");
  }

  @Test
  void spLogoutUrlBecomesTheRegistrationsLogoutUrl() throws Exception {
    runner()
        .withPropertyValues(R + "sp-logout-url=https://www.cloudsign.jp/saml2/logout")
        .run(
            c ->
                assertThat(
                        c.getBean(ServiceProvider.class)
                            .registration("acme")
                            .orElseThrow()
                            .logoutUrl())
                    .hasValue(java.net.URI.create("https://www.cloudsign.jp/saml2/logout")));
  }

  @Test
  void missingMetadataIsRefused() throws Exception {
    CloudsignSamlConfigurationException e = failure(R + "metadata=");
    assertThat(e.property()).isEqualTo(R + "metadata");
  }

  @Test
  void metadataUrlOverPlainHttpToAnotherHostIsRefused() throws Exception {
    CloudsignSamlConfigurationException e =
        failure(R + "metadata=http://login.example.com/t/federationmetadata.xml");
    assertThat(e.property()).isEqualTo(R + "metadata");
    assertThat(e.problem()).contains("https");
  }

  @Test
  void metadataUrlThatCannotBeLoadedStopsTheStartUp() throws Exception {
    try (FakeEntraServer entra = FakeEntraServer.start(FakeEntra.builder())) {
      entra.failMetadata(503);
      CloudsignSamlConfigurationException e = failure(R + "metadata=" + entra.metadataUrl());
      assertThat(e.property()).isEqualTo(R + "metadata");
      assertThat(e.problem()).contains("503");
    }
  }

  @Test
  void metadataUrlWithCacheFileStartsFromTheCacheWhileEntraIsDown() throws Exception {
    Path cache = dir.resolve("entra-cache.xml");
    try (FakeEntraServer entra = FakeEntraServer.start(FakeEntra.builder())) {
      String[] url = {R + "metadata=" + entra.metadataUrl(), R + "metadata-cache-file=" + cache};
      runner().withPropertyValues(url).run(c -> assertThat(c).hasNotFailed());
      entra.failMetadata(503);
      runner()
          .withPropertyValues(url)
          .run(
              c -> {
                assertThat(c).hasNotFailed();
                assertThat(c.getBean(CloudsignSamlMetadata.class).status().get("acme"))
                    .satisfies(s -> assertThat(s.lastSuccessFrom()).contains(cache.toString()));
              });
    }
  }

  @Test
  void metadataRefreshIntervalOutOfRangeIsRefused() throws Exception {
    try (FakeEntraServer entra = FakeEntraServer.start(FakeEntra.builder())) {
      CloudsignSamlConfigurationException e =
          failure(
              R + "metadata=" + entra.metadataUrl(), "cloudsign.saml.metadata-refresh-interval=1s");
      assertThat(e.property()).isEqualTo("cloudsign.saml.metadata-refresh-interval");
    }
  }

  @Test
  void metadataCacheFileWithAMetadataFileIsRefused() throws Exception {
    assertThat(failure(R + "metadata-cache-file=" + dir.resolve("c.xml")).property())
        .isEqualTo(R + "metadata-cache-file");
  }

  @Test
  void metadataUrlIsLoadedAtStartUpAndItsStatusIsABean() throws Exception {
    try (FakeEntraServer entra = FakeEntraServer.start(FakeEntra.builder())) {
      runner()
          .withPropertyValues(R + "metadata=" + entra.metadataUrl())
          .run(
              c -> {
                assertThat(c).hasNotFailed();
                ServiceProvider sp = c.getBean(ServiceProvider.class);
                assertThat(sp.registration("acme").orElseThrow().identityProvider().entityId())
                    .isEqualTo(entra.entra().entityId());
                CloudsignSamlMetadata metadata = c.getBean(CloudsignSamlMetadata.class);
                assertThat(metadata.stale()).isFalse();
                assertThat(metadata.status()).containsOnlyKeys("acme");
                assertThat(metadata.status().get("acme").certificates()).hasSize(1);

                entra.failMetadata(503);
                metadata.source("acme").orElseThrow().refreshNow();
                assertThat(metadata.stale()).isTrue();
                assertThat(metadata.status().get("acme").lastFailureReason().orElseThrow())
                    .contains("503");
              });
    }
  }

  @Test
  void metadataUrlRefreshesOnDemandWhileRunningAndStopsWhenTheContextCloses() throws Exception {
    try (FakeEntraServer entra = FakeEntraServer.start(FakeEntra.builder())) {
      ServiceProvider[] sp = new ServiceProvider[1];
      runner()
          .withPropertyValues(R + "metadata=" + entra.metadataUrl())
          .run(
              c -> {
                sp[0] = c.getBean(ServiceProvider.class);
                // Entra activates a new certificate: the first Response it signs fetches the
                // metadata again, and is accepted.
                entra.activateSigningCertificate(entra.addSigningCertificate());
                int before = entra.metadataRequestCount();
                assertThat(signIn(sp[0], entra.entra()).nameId()).isEqualTo("B.Simon@contoso.com");
                assertThat(entra.metadataRequestCount()).isEqualTo(before + 1);
              });
      // Context closed: the source is closed, no more fetches (a new certificate stays unknown).
      entra.activateSigningCertificate(entra.addSigningCertificate());
      int before = entra.metadataRequestCount();
      SamlValidationException refused =
          catchThrowableOfType(SamlValidationException.class, () -> signIn(sp[0], entra.entra()));
      assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
      assertThat(entra.metadataRequestCount()).isEqualTo(before);
    }
  }

  private static VerifiedAssertion signIn(ServiceProvider sp, FakeEntra signer)
      throws SamlValidationException {
    SignInRequest request = sp.startSignIn("acme", "relay");
    AuthnRequestInfo info = signer.parseRedirect(request.redirectUrl().toString());
    return sp.validate(signer.respondTo(info).build(), request.pending());
  }

  /** Entra's Token encryption: decryption-key + decryption-certificate decrypt every assertion. */
  @Test
  void decryptionKeyDecryptsEntrasEncryptedAssertionsAndIsInTheMetadata() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair keys = g.generateKeyPair();
    Instant now = Instant.now();
    X500Name name = new X500Name("CN=acme-sp");
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        name,
                        BigInteger.ONE,
                        Date.from(now.minus(Duration.ofDays(1))),
                        Date.from(now.plus(Duration.ofDays(365))),
                        name,
                        keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    Path key = dir.resolve("sp-key.pem");
    Path certificate = dir.resolve("sp-cert.pem");
    Files.writeString(key, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Files.writeString(certificate, pem("CERTIFICATE", cert.getEncoded()));
    FakeEntra entra = FakeEntra.builder().tokenEncryption(cert).build();
    Path metadata = dir.resolve("entra-encrypting.xml");
    Files.writeString(metadata, entra.metadataXml());

    runner()
        .withPropertyValues(
            R + "metadata=" + metadata,
            R + "decryption-key=" + key,
            R + "decryption-certificate=" + certificate)
        .run(
            c -> {
              assertThat(c).hasNotFailed();
              ServiceProvider sp = c.getBean(ServiceProvider.class);
              assertThat(signIn(sp, entra).nameId()).isNotBlank();
              assertThat(sp.metadata("acme")).contains("<md:KeyDescriptor use=\"encryption\">");
            });
    // Without the key the same Entra is refused: the assertions really are encrypted.
    runner()
        .withPropertyValues(R + "metadata=" + metadata)
        .run(
            c -> {
              SamlValidationException e =
                  catchThrowableOfType(
                      SamlValidationException.class,
                      () -> signIn(c.getBean(ServiceProvider.class), entra));
              assertThat(e.code()).isEqualTo(ErrorCode.ENCRYPTED_ASSERTION_NOT_SUPPORTED);
            });
    assertThat(failure(R + "decryption-key=" + key).property()).isEqualTo(R + "decryption-key");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @Test
  void clockSkewOverTheCapIsRefused() throws Exception {
    assertThat(failure("cloudsign.saml.clock-skew=30m").property())
        .isEqualTo("cloudsign.saml.clock-skew");
  }

  @Test
  void unknownClaimIsRefused() throws Exception {
    assertThat(failure(R + "claims.shoe-size=urn:x").property()).isEqualTo(R + "claims.shoe-size");
  }

  @Test
  void jdbcReplayStoreWithoutDataSourceIsRefused() throws Exception {
    assertThat(failure("cloudsign.saml.replay-store=jdbc").property())
        .isEqualTo("cloudsign.saml.replay-store");
  }

  @Test
  void failureAnalyzerShowsPropertyAndBuilderMessage() throws Exception {
    CloudsignSamlConfigurationException e =
        failure(R + "reply-url=http://cloudsign.example/saml2/idpresponse");
    FailureAnalysis a = new CloudsignSamlFailureAnalyzer().analyze(new RuntimeException(e));
    assertThat(a.getDescription()).contains(R + "reply-url").contains(e.problem());
    assertThat(a.getAction()).contains(R + "reply-url");
  }
}
