package io.cloudsign.saml.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cloudsign.saml.testkit.Attack;
import io.cloudsign.saml.testkit.FakeEntraExtension;
import io.cloudsign.saml.testkit.ResponseBuilder;
import io.cloudsign.saml.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Token encryption: Entra's shapes decrypt and then pass every rule; each hostile variant, a key of
 * another SP and a decrypted Assertion without a trusted signature are refused with the one code
 * {@code decryption_failed} and one message; rollover keys both work; the decrypted Assertion goes
 * through the same parse bounds as a plain one.
 */
class EncryptedAssertionTest {
  @RegisterExtension static FakeEntraExtension fake = FakeEntraExtension.create();

  private static KeyPair spKeys;
  private static X509Certificate spCert;
  private static KeyPair nextKeys;
  private static X509Certificate nextCert;
  private static X509Certificate otherSpCert;

  private TestClock clock;

  @BeforeAll
  static void keys() throws Exception {
    spKeys = rsa();
    spCert = TestCertificates.selfSigned(spKeys, "CN=cloudsign-sp-encryption");
    nextKeys = rsa();
    nextCert = TestCertificates.selfSigned(nextKeys, "CN=cloudsign-sp-encryption-next");
    otherSpCert = TestCertificates.selfSigned(rsa(), "CN=another-sp");
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  @BeforeEach
  void setUp() {
    clock = fake.clock();
    clock.set(Instant.parse("2026-11-28T09:00:00Z"));
  }

  private Fixture fixture(UnaryOperator<Registration.Builder> keys) throws Exception {
    Registration r =
        keys.apply(
                Registration.builder("contoso")
                    .entityId(Fixture.ENTITY_ID)
                    .replyUrl(Fixture.REPLY_URL)
                    .identityProvider(IdentityProvider.fromMetadata(fake.entra().metadataXml())))
            .build();
    return new Fixture(fake.entra(), clock, r);
  }

  private Fixture decrypting() throws Exception {
    return fixture(b -> b.decryptionKey(spKeys.getPrivate(), spCert));
  }

  private static ErrorCode rejected(Fixture fx, Fixture.Flow flow, String response) {
    return catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(response, flow.pending()))
        .code();
  }

  // ------------------------------------------------------------------ Entra's shapes

  @Test
  void validateWhenEntraSignsTheAssertionThenEncryptsItWithAesCbcThenAccepts() throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    VerifiedAssertion user = fx.validate(flow, fx.respond(flow).encryptedAssertion(spCert));
    assertThat(user.nameId()).isEqualTo(fake.entra().users().get(0).nameId());
    assertThat(user.inResponseTo()).isEqualTo(flow.pending().requestId());
  }

  @Test
  void validateWhenEncryptedWithAesGcmThenAccepts() throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    assertThat(fx.validate(flow, fx.respond(flow).encryptedAssertionAesGcm(spCert)).nameId())
        .isEqualTo(fake.entra().users().get(0).nameId());
  }

  @Test
  void validateWhenOnlyTheResponseIsSignedOverTheEncryptedAssertionThenAccepts() throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    ResponseBuilder response = fx.respond(flow).signResponse().encryptedAssertion(spCert);
    assertThat(fx.validate(flow, response).nameId()).isNotBlank();
  }

  @Test
  void validateWhenResponseAndAssertionAreSignedAndEncryptedThenAccepts() throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    ResponseBuilder response =
        fx.respond(flow).signResponseAndAssertion().encryptedAssertionAesGcm(spCert);
    assertThat(fx.validate(flow, response).nameId()).isNotBlank();
  }

  @Test
  void validateWhenTwoDecryptionKeysAreConfiguredThenBothDecrypt() throws Exception {
    Fixture fx =
        fixture(
            b ->
                b.decryptionKey(spKeys.getPrivate(), spCert)
                    .decryptionKey(nextKeys.getPrivate(), nextCert));
    Fixture.Flow first = fx.start();
    assertThat(fx.validate(first, fx.respond(first).encryptedAssertion(spCert)).nameId())
        .isNotBlank();
    Fixture.Flow second = fx.start();
    assertThat(fx.validate(second, fx.respond(second).encryptedAssertion(nextCert)).nameId())
        .isNotBlank();
  }

  // ------------------------------------------------------------------ every rule still applies

  @Test
  void validateWhenDecryptedAssertionNamesAnotherAudienceThenRejectsWithInvalidAudience()
      throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    String response =
        fx.respond(flow).encryptedAssertion(spCert).with(Attack.wrongAudience()).build();
    assertThat(rejected(fx, flow, response)).isEqualTo(ErrorCode.INVALID_AUDIENCE);
  }

  @Test
  void validateWhenDecryptedAssertionIsReplayedThenRejectsWithReplayedAssertion() throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    String response = fx.respond(flow).encryptedAssertion(spCert).build();
    fx.sp.validate(response, flow.pending());
    assertThat(rejected(fx, flow, response)).isIn(ErrorCode.REPLAYED_ASSERTION);
  }

  @Test
  void validateWhenResponseSignatureOverCiphertextFailsThenRejectsBeforeDecrypting()
      throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    String response =
        fx.respond(flow)
            .signResponse()
            .encryptedAssertion(spCert)
            .with(Attack.signedWithUnknownKey())
            .build();
    assertThat(rejected(fx, flow, response)).isEqualTo(ErrorCode.INVALID_SIGNATURE);
  }

  @Test
  void validateWhenNoDecryptionKeyIsConfiguredThenRejectsWithEncryptedAssertionNotSupported()
      throws Exception {
    Fixture fx = fixture(b -> b);
    Fixture.Flow flow = fx.start();
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class,
            () -> fx.validate(flow, fx.respond(flow).encryptedAssertion(spCert)));
    assertThat(e.code()).isEqualTo(ErrorCode.ENCRYPTED_ASSERTION_NOT_SUPPORTED);
    assertThat(e.getMessage()).contains("turn off Token encryption", "decryptionKey");
  }

  @Test
  void validateWhenAssertionAndEncryptedAssertionBothArriveThenRejectsWithInvalidAssertionCount()
      throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    String response = fx.respond(flow).with(Attack.encryptedAssertionNextToPlain()).build();
    assertThat(rejected(fx, flow, response)).isEqualTo(ErrorCode.INVALID_ASSERTION_COUNT);
  }

  // ------------------------------------------------------------------ one uniform refusal

  static Stream<Arguments> hostile() {
    String canary = "http://127.0.0.1:9/canary";
    List<Arguments> all = new ArrayList<>();
    for (Attack a :
        List.of(
            Attack.cipherReference(canary),
            Attack.retrievalMethodWithTransforms(canary),
            Attack.twoEncryptedKeys(),
            Attack.withoutEncryptedKey(),
            Attack.encryptedForAnotherSp(),
            Attack.tamperedCiphertext(),
            Attack.unsignedEncryptedAssertion(),
            Attack.signedWithUnknownKey(),
            Attack.disallowedEncryption(Attack.DisallowedEncryption.TRIPLEDES_CBC),
            Attack.disallowedEncryption(Attack.DisallowedEncryption.RSA_1_5))) {
      all.add(Arguments.of(a, false));
      all.add(Arguments.of(a, true));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} gcm={1}")
  @MethodSource("hostile")
  void validateWhenEncryptedAssertionIsHostileThenRejectsWithOneUniformDecryptionFailure(
      Attack attack, boolean gcm) throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    ResponseBuilder b = fx.respond(flow);
    b = gcm ? b.encryptedAssertionAesGcm(spCert) : b.encryptedAssertion(spCert);
    String response = b.with(attack).build();
    SamlValidationException e =
        catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(response, flow.pending()));
    assertThat(e.code()).isEqualTo(ErrorCode.DECRYPTION_FAILED);
    assertThat(e.failures()).hasSize(1);
    assertThat(e.getMessage()).isEqualTo(uniformMessage());
  }

  private String uniformMessage() throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    String response = fx.respond(flow).encryptedAssertion(otherSpCert).build();
    return catchThrowableOfType(
            SamlValidationException.class, () -> fx.sp.validate(response, flow.pending()))
        .getMessage();
  }

  @Test
  void validateWhenEncryptedForAnotherSpsCertificateThenRejectsWithDecryptionFailed()
      throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    String response = fx.respond(flow).encryptedAssertion(otherSpCert).build();
    assertThat(rejected(fx, flow, response)).isEqualTo(ErrorCode.DECRYPTION_FAILED);
  }

  @Test
  void validateWhenRolledOverKeyIsRemovedThenItsCiphertextIsRefused() throws Exception {
    Fixture fx = fixture(b -> b.decryptionKey(nextKeys.getPrivate(), nextCert));
    Fixture.Flow flow = fx.start();
    String response = fx.respond(flow).encryptedAssertion(spCert).build();
    assertThat(rejected(fx, flow, response)).isEqualTo(ErrorCode.DECRYPTION_FAILED);
  }

  // ------------------------------------------------------------------ AES-CBC policy

  private static final String OTHER_IDP = "https://idp.example.com/saml2";

  private Fixture nonEntra(boolean allowCbc) throws Exception {
    IdentityProvider idp =
        IdentityProvider.builder()
            .entityId(OTHER_IDP)
            .loginUrl(fake.entra().ssoUrl())
            .certificate(fake.entra().signingCertificate())
            .build();
    Registration r =
        Registration.builder("other")
            .entityId(Fixture.ENTITY_ID)
            .replyUrl(Fixture.REPLY_URL)
            .identityProvider(idp)
            .decryptionKey(spKeys.getPrivate(), spCert)
            .allowInsecureAesCbcDecryption(allowCbc)
            .build();
    return new Fixture(fake.entra(), clock, r);
  }

  private static ResponseBuilder fromOtherIdp(ResponseBuilder b) {
    return b.with(Attack.responseIssuer(OTHER_IDP), Attack.assertionIssuer(OTHER_IDP));
  }

  @Test
  void validateWhenNonEntraIdpSendsAesCbcWithoutOptInThenRejectsWithDecryptionFailed()
      throws Exception {
    Fixture fx = nonEntra(false);
    Fixture.Flow flow = fx.start();
    String cbc = fromOtherIdp(fx.respond(flow).encryptedAssertion(spCert)).build();
    assertThat(rejected(fx, flow, cbc)).isEqualTo(ErrorCode.DECRYPTION_FAILED);
    Fixture.Flow again = fx.start();
    String gcm = fromOtherIdp(fx.respond(again).encryptedAssertionAesGcm(spCert)).build();
    assertThat(fx.sp.validate(gcm, again.pending()).nameId()).isNotBlank();
  }

  @Test
  void validateWhenNonEntraIdpSendsAesCbcWithOptInThenAcceptsAndToStringSaysSo() throws Exception {
    Fixture fx = nonEntra(true);
    Fixture.Flow flow = fx.start();
    String cbc = fromOtherIdp(fx.respond(flow).encryptedAssertion(spCert)).build();
    assertThat(fx.sp.validate(cbc, flow.pending()).nameId()).isNotBlank();
    assertThat(fx.registration.toString()).contains("INSECURE_AES_CBC_DECRYPTION_ALLOWED");
  }

  // ------------------------------------------------------------------ parse bounds

  @Test
  void validateWhenDecryptedAssertionCarriesADoctypeThenRejectsEvenThoughItsSignatureIsGenuine()
      throws Exception {
    Fixture fx = decrypting();
    Fixture.Flow flow = fx.start();
    String plain = fx.respond(flow).buildXml();
    String assertion =
        plain.substring(plain.indexOf("<Assertion "), plain.indexOf("</Assertion>") + 12);

    String control = plain.replace(assertion, encryptedAssertion(assertion, spCert));
    assertThat(fx.sp.validate(Fixture.encode(control), flow.pending()).nameId()).isNotBlank();

    Fixture.Flow next = fx.start();
    String plain2 = fx.respond(next).buildXml();
    String assertion2 =
        plain2.substring(plain2.indexOf("<Assertion "), plain2.indexOf("</Assertion>") + 12);
    String withDoctype =
        plain2.replace(
            assertion2,
            encryptedAssertion("<!DOCTYPE Assertion [<!ENTITY e \"x\">]>" + assertion2, spCert));
    assertThat(rejected(fx, next, Fixture.encode(withDoctype)))
        .isEqualTo(ErrorCode.DECRYPTION_FAILED);
  }

  /** Entra's EncryptedAssertion shape around {@code plaintext}, made with the JCA only. */
  private static String encryptedAssertion(String plaintext, X509Certificate to) throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] key = new byte[32];
    byte[] iv = new byte[16];
    random.nextBytes(key);
    random.nextBytes(iv);
    Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
    aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    byte[] body = aes.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
    byte[] data = new byte[iv.length + body.length];
    System.arraycopy(iv, 0, data, 0, iv.length);
    System.arraycopy(body, 0, data, iv.length, body.length);
    Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
    rsa.init(
        Cipher.ENCRYPT_MODE,
        to.getPublicKey(),
        new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
    String wrapped = Base64.getEncoder().encodeToString(rsa.doFinal(key));
    String xenc = "http://www.w3.org/2001/04/xmlenc#";
    return "<EncryptedAssertion xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\">"
        + "<xenc:EncryptedData xmlns:xenc=\""
        + xenc
        + "\" Type=\""
        + xenc
        + "Element\"><xenc:EncryptionMethod Algorithm=\""
        + xenc
        + "aes256-cbc\"/><KeyInfo xmlns=\"http://www.w3.org/2000/09/xmldsig#\">"
        + "<xenc:EncryptedKey><xenc:EncryptionMethod Algorithm=\""
        + xenc
        + "rsa-oaep-mgf1p\"><DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>"
        + "</xenc:EncryptionMethod><xenc:CipherData><xenc:CipherValue>"
        + wrapped
        + "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></KeyInfo>"
        + "<xenc:CipherData><xenc:CipherValue>"
        + Base64.getEncoder().encodeToString(data)
        + "</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></EncryptedAssertion>";
  }

  // ------------------------------------------------------------------ configuration, metadata

  @Test
  void decryptionKeyWhenKeyDoesNotMatchCertificateOrIsNotRsaThenThrows() throws Exception {
    Registration.Builder b = Registration.builder("x");
    assertThatThrownBy(() -> b.decryptionKey(spKeys.getPrivate(), nextCert))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong");
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    assertThatThrownBy(() -> b.decryptionKey(ec.generateKeyPair().getPrivate(), spCert))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RSA");
    b.decryptionKey(spKeys.getPrivate(), spCert);
    assertThatThrownBy(() -> b.decryptionKey(spKeys.getPrivate(), spCert))
        .hasMessageContaining("twice");
  }

  @Test
  void metadataListsEachDecryptionCertificateForEncryptionAndTheSigningOne() throws Exception {
    Fixture fx =
        fixture(
            b ->
                b.decryptionKey(spKeys.getPrivate(), spCert)
                    .decryptionKey(nextKeys.getPrivate(), nextCert)
                    .requestSigningKey(spKeys.getPrivate(), spCert));
    String metadata = fx.sp.metadata("contoso");
    String b64 = Base64.getEncoder().encodeToString(spCert.getEncoded());
    String next = Base64.getEncoder().encodeToString(nextCert.getEncoded());
    assertThat(metadata)
        .contains("AuthnRequestsSigned=\"true\"")
        .contains(keyDescriptor("signing", b64))
        .contains(keyDescriptor("encryption", b64))
        .contains(keyDescriptor("encryption", next));
    assertThat(fx.registration.decryptionCertificates()).containsExactly(spCert, nextCert);
  }

  private static String keyDescriptor(String use, String base64) {
    return "<md:KeyDescriptor use=\""
        + use
        + "\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data>"
        + "<ds:X509Certificate>"
        + base64
        + "</ds:X509Certificate>";
  }
}
