package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.ResponseBuilder;
import org.junit.jupiter.api.Test;

/**
 * KeyInfo is never trusted: only the metadata certificates verify. An attacker's key with its own
 * certificate, a clone of Entra's certificate (same subject, issuer, serial, validity), a bare
 * RSAKeyValue or Entra's genuine certificate next to an attacker's signature are all rejected; a
 * genuine signature without KeyInfo is still accepted.
 */
class CertificateFakingAttackTest extends AttackTestSupport {

  @Test
  void validateWhenAttackerKeyAndCertificateInKeyInfoThenRejectsWithInvalidSignature() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.signedWithUnknownKey())))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenAttackerCertificateClonesEntrasThenRejectsWithInvalidSignature() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.signedWithClonedCertificate())))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenAttackerKeyGivenAsRsaKeyValueThenRejectsWithInvalidSignature() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.signedWithUnknownKeyAsKeyValue())))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void
      validateWhenGenuineCertificateInKeyInfoButAttackerSignatureThenRejectsWithInvalidSignature() {
    assertThat(
            rejectedCode(
                b -> b,
                b ->
                    b.with(Attack.signedWithUnknownKey())
                        .with(Attack.keyInfoCertificate(FAKE.entra().signingCertificate()))))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenResponseSignedByClonedCertificateThenRejectsWithInvalidSignature() {
    assertThat(
            rejectedCode(
                ResponseBuilder::signResponse, b -> b.with(Attack.signedWithClonedCertificate())))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenKeyInfoRemovedFromGenuineSignatureThenStillAccepts() {
    assertThat(acceptedWith(b -> b, b -> b.with(Attack.withoutKeyInfo())).nameId()).isNotBlank();
  }

  @Test
  void validateWhenKeyInfoRemovedFromGenuineResponseSignatureThenStillAccepts() {
    assertThat(
            acceptedWith(ResponseBuilder::signResponse, b -> b.with(Attack.withoutKeyInfo()))
                .nameId())
        .isNotBlank();
  }
}
