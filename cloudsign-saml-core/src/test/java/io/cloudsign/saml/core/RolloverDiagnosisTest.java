package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.TestClock;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The most common production failure, a rolled-over Entra certificate, is diagnosed: the detail of
 * {@code invalid_signature (not_verified)} names the certificate the Response carries (untrusted,
 * for diagnosis) next to the trusted ones; and a metadata document still holding Entra's
 * placeholder entity ID is refused when it is loaded, not at every sign-in.
 */
class RolloverDiagnosisTest {
  private static final Instant NOW = Instant.parse("2026-11-28T09:00:00Z");

  /** Entra published a second certificate and activated it; the SP still trusts only the first. */
  @Test
  void validateWhenSignedByCertificateNotTrustedThenDetailNamesCarriedAndTrustedThumbprints()
      throws Exception {
    TestClock clock = TestClock.at(NOW);
    FakeEntra entra =
        FakeEntra.builder()
            .clock(clock)
            .signingCertificateCount(2)
            .activeCertificateIndex(1)
            .build();
    X509Certificate old = entra.signingCertificates().get(0);
    X509Certificate rolled = entra.signingCertificates().get(1);
    Fixture fx = new Fixture(entra, clock, trustingOnly(entra, old));
    Fixture.Flow flow = fx.start();

    SamlValidationException e = rejected(fx, flow, fx.respond(flow).build());

    assertThat(e.reason()).isEqualTo(FailureReason.SIGNATURE_NOT_VERIFIED);
    assertThat(e.getMessage())
        .contains("KeyInfo carries SHA-256 " + sha256(rolled))
        .contains("Entra thumbprint " + sha1(rolled))
        .contains("(untrusted, for diagnosis)")
        .contains("trusted: SHA-256 " + sha256(old))
        .contains("valid " + rolled.getNotBefore().toInstant().toString().substring(0, 10))
        .contains("download the Federation Metadata XML again");
    assertThat(e.getMessage()).doesNotContain("trusted: SHA-256 " + sha256(rolled));
  }

  @Test
  void validateWhenTrustedCertificateSignedOtherContentThenDetailSaysContentChanged() {
    TestClock clock = TestClock.at(NOW);
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    Fixture fx = new Fixture(entra, clock);
    Fixture.Flow flow = fx.start();

    SamlValidationException e =
        rejected(
            fx, flow, fx.respond(flow).with(Attack.tamperedAfterSigning("eve@x.test")).build());

    assertThat(e.reason()).isEqualTo(FailureReason.SIGNATURE_NOT_VERIFIED);
    assertThat(e.getMessage())
        .contains("the carried certificate is a trusted one, so the signed content was changed")
        .doesNotContain("rolled over");
  }

  @Test
  void validateWhenSignatureCarriesNoCertificateThenDetailSaysSoAndListsTrusted() throws Exception {
    TestClock clock = TestClock.at(NOW);
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    Fixture fx = new Fixture(entra, clock);
    Fixture.Flow flow = fx.start();

    SamlValidationException e =
        rejected(
            fx,
            flow,
            fx.respond(flow).with(Attack.signedWithUnknownKey(), Attack.withoutKeyInfo()).build());

    assertThat(e.reason()).isEqualTo(FailureReason.SIGNATURE_NOT_VERIFIED);
    assertThat(e.getMessage())
        .contains("KeyInfo carries no certificate")
        .contains("trusted: SHA-256 " + sha256(entra.signingCertificate()));
  }

  /** The KeyInfo text is decoded only up to a bound: this runs before anything is trusted. */
  @Test
  void validateWhenCarriedCertificateTextIsLargerThanTheBoundThenNotDecoded() throws Exception {
    TestClock clock = TestClock.at(NOW);
    FakeEntra entra = FakeEntra.builder().clock(clock).build();
    Fixture fx = new Fixture(entra, clock);
    int bound = RolloverDiagnosis.MAX_CERTIFICATE_CHARS;

    Fixture.Flow atBound = fx.start();
    SamlValidationException read =
        rejected(
            fx,
            atBound,
            fx.respond(atBound)
                .with(Attack.signedWithUnknownKey(), Attack.oversizedKeyInfoCertificate(bound))
                .build());
    Fixture.Flow aboveBound = fx.start();
    SamlValidationException skipped =
        rejected(
            fx,
            aboveBound,
            fx.respond(aboveBound)
                .with(Attack.signedWithUnknownKey(), Attack.oversizedKeyInfoCertificate(bound + 1))
                .build());

    assertThat(read.reason()).isEqualTo(FailureReason.SIGNATURE_NOT_VERIFIED);
    assertThat(read.getMessage()).contains("KeyInfo carries no readable certificate");
    assertThat(skipped.reason()).isEqualTo(FailureReason.SIGNATURE_NOT_VERIFIED);
    assertThat(skipped.getMessage())
        .contains("KeyInfo carries a certificate too large to read")
        .contains("trusted: SHA-256 " + sha256(entra.signingCertificate()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://sts.windows.net/{tenantid}/",
        "https://sts.windows.net/{TenantID}/",
        "https://login.microsoftonline.com/{tenant-id}/"
      })
  void fromMetadataWhenEntityIdIsEntraPlaceholderThenRefusedNamingIt(String placeholder) {
    FakeEntra entra = FakeEntra.create();
    String xml = entra.metadataXml().replace(entra.entityId(), placeholder);

    assertThatThrownBy(() -> IdentityProvider.fromMetadata(xml))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining(placeholder)
        .hasMessageContaining("placeholder")
        .hasMessageContaining("Federation Metadata XML of your enterprise application");
  }

  @Test
  void builderWhenEntityIdIsEntraPlaceholderThenRefused() {
    FakeEntra entra = FakeEntra.create();
    IdentityProvider.Builder b =
        IdentityProvider.builder()
            .entityId("https://sts.windows.net/{tenantid}/")
            .loginUrl(entra.ssoUrl())
            .certificate(entra.signingCertificate());

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{tenantid}")
        .hasMessageContaining("placeholder");
  }

  @Test
  void fromMetadataWhenEntityIdNamesRealTenantThenLoads() throws Exception {
    FakeEntra entra = FakeEntra.create();

    assertThat(IdentityProvider.fromMetadata(entra.metadataXml()).entityId())
        .isEqualTo(entra.entityId())
        .startsWith("https://sts.windows.net/");
  }

  private static Registration trustingOnly(FakeEntra entra, X509Certificate certificate) {
    return Registration.builder("contoso")
        .entityId(Fixture.ENTITY_ID)
        .replyUrl(Fixture.REPLY_URL)
        .signOnUrl(Fixture.SIGN_ON_URL)
        .identityProvider(
            IdentityProvider.builder()
                .entityId(entra.entityId())
                .loginUrl(entra.ssoUrl())
                .certificate(certificate)
                .build())
        .build();
  }

  private static SamlValidationException rejected(Fixture fx, Fixture.Flow flow, String response) {
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(response, flow.pending()));
    assertThat(e).as("the Response must be rejected").isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_SIGNATURE);
    return e;
  }

  private static String sha256(X509Certificate c) throws Exception {
    return hex("SHA-256", c);
  }

  private static String sha1(X509Certificate c) throws Exception {
    return hex("SHA-1", c);
  }

  private static String hex(String algorithm, X509Certificate c) throws Exception {
    return HexFormat.of()
        .withUpperCase()
        .formatHex(MessageDigest.getInstance(algorithm).digest(c.getEncoded()));
  }
}
