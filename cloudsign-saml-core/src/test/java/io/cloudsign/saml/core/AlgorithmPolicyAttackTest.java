package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntra;
import io.cloudsign.saml.testkit.ResponseBuilder;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Algorithm policy: only RSA/ECDSA with SHA-2 and SHA-2 digests verify; SHA-1 (signature or
 * digest), HMAC in any form (keyed with the public key bytes a confused verifier would use, with or
 * without a truncating HMACOutputLength, CVE-2009-0217) are refused. An attacker's RSA-1024 key
 * fails like any untrusted key; a trusted RSA-1024 certificate is refused at configuration time.
 */
class AlgorithmPolicyAttackTest extends AttackTestSupport {

  @Test
  void validateWhenRsaSha1ThenRejectsWithDisallowedSignatureAlgorithm() {
    assertThat(rejectedCode(b -> b, b -> b.signingAlgorithm(ResponseBuilder.SigningAlgorithm.SHA1)))
        .isEqualTo(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM);
  }

  @Test
  void validateWhenRsaSha256WithSha1DigestThenRejectsWithDisallowedSignatureAlgorithm() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.sha1DigestUnderRsaSha256())))
        .isEqualTo(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM);
  }

  @Test
  void validateWhenResponseSignatureHasSha1DigestThenRejectsWithDisallowedSignatureAlgorithm() {
    assertThat(
            rejectedCode(
                ResponseBuilder::signResponse, b -> b.with(Attack.sha1DigestUnderRsaSha256())))
        .isEqualTo(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM);
  }

  @Test
  void validateWhenHmacKeyedWithIdpPublicKeyThenRejectsWithDisallowedSignatureAlgorithm() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.hmacKeyedWithPublicKey())))
        .isEqualTo(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM);
  }

  @Test
  void validateWhenHmacOutputLengthIsFullLengthThenRejectsWithDisallowedSignatureAlgorithm() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.hmacKeyedWithPublicKey(256))))
        .isEqualTo(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM);
  }

  @ParameterizedTest(name = "HMACOutputLength {0}")
  @ValueSource(ints = {0, 8, 80})
  void validateWhenHmacOutputLengthTruncatesThenRejectsWithDisallowedSignatureAlgorithm(int bits) {
    // CVE-2009-0217: a truncated HMAC. HMAC is never on the allowlist, so the signature method
    // stops it before any HMAC is computed (Santuario, which would refuse the length as well, is
    // never asked).
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.hmacKeyedWithPublicKey(bits))))
        .isEqualTo(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM);
  }

  @Test
  void validateWhenSha1EvenWithInsecureOptInUsesHmacThenRejectsWithDisallowedAlgorithm() {
    Fixture legacy = new Fixture(FAKE.entra(), clock, b -> b.allowInsecureSha1Signatures(true));
    assertThat(
            rejectedCode(
                legacy,
                b -> b.signingAlgorithm(ResponseBuilder.SigningAlgorithm.SHA1),
                b -> b.with(Attack.hmacKeyedWithPublicKey())))
        .isEqualTo(ErrorCode.DISALLOWED_SIGNATURE_ALGORITHM);
  }

  @Test
  void validateWhenAttackerSignsWithRsa1024KeyThenRejectsWithInvalidSignature() {
    assertThat(rejectedCode(b -> b, b -> b.with(Attack.signedWithUnknownRsa1024Key())))
        .isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void fromMetadataWhenSigningCertificateIsRsa1024ThenRefusesAtConfigurationTime()
      throws Exception {
    KeyPair weak = rsa(1024);
    FakeEntra weakEntra =
        FakeEntra.builder().clock(clock).signingKey(weak.getPrivate(), selfSigned(weak)).build();
    assertThatThrownBy(() -> IdentityProvider.fromMetadata(weakEntra.metadataXml()))
        .isInstanceOf(SamlMetadataException.class)
        .hasMessageContaining("1024")
        .hasMessageContaining("2048");
  }

  @Test
  void builderWhenCertificateIsRsa1024ThenRefusesAtConfigurationTime() throws Exception {
    X509Certificate weak = selfSigned(rsa(1024));
    assertThatThrownBy(
            () ->
                IdentityProvider.builder()
                    .entityId(FAKE.entra().entityId())
                    .loginUrl(FAKE.entra().ssoUrl())
                    .certificate(weak)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024")
        .hasMessageContaining("2048");
  }

  @Test
  void fromMetadataWhenSigningCertificateIsRsa2048ThenAccepts() throws Exception {
    KeyPair ok = rsa(2048);
    FakeEntra entra =
        FakeEntra.builder().clock(clock).signingKey(ok.getPrivate(), selfSigned(ok)).build();
    Fixture f = new Fixture(entra, clock);
    assertThat(accepted(f, b -> b).nameId()).isNotBlank();
  }

  private static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  private static X509Certificate selfSigned(KeyPair kp) throws Exception {
    X500Name name = new X500Name("CN=Microsoft Azure Federated SSO Certificate");
    Instant now = Instant.now();
    var b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minusSeconds(86_400)),
            Date.from(now.plusSeconds(86_400 * 365L)),
            name,
            kp.getPublic());
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
  }
}
